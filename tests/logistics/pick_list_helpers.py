"""Shared set-up for the pick list and delivery tests: approved kits at a warehouse."""

import datetime
import io

import pypdfium2
import zxingcpp
from pypdf import PdfReader

from logistics.models import KitType, Referral
from logistics.referrals import services
from tests.factories import make_referral, stock_for_kits


def approved_kits(warehouse, coordinator, referrer, count: int, **overrides) -> list[Referral]:
    """``count`` approved referrals at ``warehouse``, with stock for exactly those kits; due
    dates 100, 101, … days ahead, so the first made is the most urgent."""
    stock_for_kits(warehouse, count, user=coordinator)
    today = datetime.date.today()
    referrals = []
    for n in range(count):
        values = {"due_date": today + datetime.timedelta(days=100 + n),
                  "parent_last_name": f"Achternaam{n}", **overrides}
        referral = make_referral(referrer, **values)
        referrals.append(services.approve_referral(referral=referral, user=coordinator,
                                                   warehouse=warehouse))
    return referrals


def kit_requirements(code="start-50-68"):
    from logistics.stock import services as stock

    return stock.kit_requirements(KitType.objects.get(code=code))


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def decoded_qr_codes(pdf: bytes) -> list[list[str]]:
    """The QR codes on each page, read from the page rendered at 150 dpi."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        found = []
        for page in document:
            image = page.render(scale=150 / 72).to_pil()
            found.append([barcode.text for barcode in
                          zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)])
        return found
    finally:
        document.close()
