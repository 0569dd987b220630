"""Set-up and read-back shared by test modules of several packages. Test modules import from here
and from ``tests.factories``, never from each other."""

import datetime
import io
import os
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path

import pypdfium2
import zxingcpp
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from logistics.models import KitType, Referral
from logistics.referrals import services
from tests.factories import make_referral, stock_for_kits

ROOT = Path(__file__).resolve().parents[1]

# A value to leave a key out of a request body altogether.
DROP = object()


def referral_payload(**changes) -> dict:
    """A valid body for ``POST /api/v1/referrals/``: a single parent of 30 with a low wage, due
    in four months. ``DROP`` leaves a key out."""
    body = {
        "parent_first_name": "Samira",
        "parent_last_name": "Bakker",
        "phone": "06 12345678",
        "email": "samira@example.org",
        "language": "ar",
        "street": "Dorpsstraat",
        "house_number": 12,
        "house_number_suffix": "bis",
        "postcode": "3511ab",
        "city": "Utrecht",
        "due_date": (timezone.localdate() + datetime.timedelta(days=120)).isoformat(),
        "babies": 1,
        "kit_type": "start-50-68",
        "delivery_notes": "Bel aan bij de buren",
        "consent": True,
        "household": {"applicant_age": 30, "has_partner": False, "children": 0},
        "incomes": [{"kind": "wages", "amount": "1200.00"},
                    {"kind": "child_benefit", "amount": "300.00"}],
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not DROP}


# Pick lists and deliveries: approved kits at a warehouse.


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


def backdate(referral: Referral, status: str, days: int) -> None:
    """Pretend the referral's last change into ``status`` happened ``days`` days ago (how long
    something has waited)."""
    from logistics.models import ReferralStatusChange

    change = referral.history.filter(to_status=status).order_by("-at", "-id").first()
    ReferralStatusChange.objects.filter(pk=change.pk).update(
        at=timezone.now() - datetime.timedelta(days=days))


def move_due_date(referrals, due: datetime.date) -> None:
    """Give the referrals another due date and, as a correction would, their kit's time window
    for it (a referral stores the window's days)."""
    from logistics.referrals.services import window_fields

    for referral in referrals:
        Referral.objects.filter(pk=referral.pk).update(
            due_date=due, **window_fields(referral.kit_type, due))


def kit_requirements(code="start-50-68"):
    from logistics.stock import services as stock

    return stock.kit_requirements(KitType.objects.get(code=code))


# PDFs read back.


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


# Concurrency: real threads, a database connection each.

THREADS = 20


def run_at_once(action, times=THREADS):
    """Start ``times`` threads that call ``action`` together; return what each returned or
    raised."""
    barrier = threading.Barrier(times)
    results = [None] * times

    def worker(index):
        try:
            barrier.wait(timeout=30)
            results[index] = action()
        except Exception as error:  # collected and asserted on by the caller
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def run_each_at_once(*actions):
    """Start a thread for each of ``actions`` together; return what each returned or raised,
    in the order they were taken (which thread takes which is up to the threads)."""
    todo = iter(actions)
    lock = threading.Lock()

    def next_action():
        with lock:
            action = next(todo)
        return action()

    return run_at_once(next_action, times=len(actions))


# What a screen reader hears of a form's errors.

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


class _FieldDescriptions(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, dict]] = []  # (name, attributes) of every form control
        self.text_of: dict[str, str] = {}  # id → the text inside that element
        self._open: list[str | None] = []  # the ids of the elements open at this point

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"input", "select", "textarea"} and attrs.get("type") != "hidden":
            self.fields.append((attrs.get("name", ""), attrs))
        if tag in _VOID:
            return
        self._open.append(attrs.get("id"))
        if attrs.get("id"):
            self.text_of[attrs["id"]] = ""

    def handle_endtag(self, tag):
        if tag not in _VOID and self._open:
            self._open.pop()

    def handle_data(self, data):
        for id_ in filter(None, self._open):
            self.text_of[id_] += data


def field_descriptions(html: str) -> dict[str, str]:
    """Each invalid field's name → the text of the elements its ``aria-describedby`` names
    (what a screen reader reads out after its label). Fails on a field marked invalid without
    a description, and on a description naming an id the page does not have, of any field."""
    parser = _FieldDescriptions()
    parser.feed(html)
    described = {}
    for name, attrs in parser.fields:
        ids = (attrs.get("aria-describedby") or "").split()
        missing = [id_ for id_ in ids if id_ not in parser.text_of]
        assert not missing, f"{name}: aria-describedby names no element {missing}"
        if attrs.get("aria-invalid") == "true":
            assert ids, f"{name} is invalid but describes nothing"
            described[name] = " ".join(" ".join(parser.text_of[id_].split()) for id_ in ids)
    return described


# The project started as an operator would.


def run_manage(*args, **env):
    """``manage.py *args`` in a fresh process, with the settings' environment replaced by
    ``env``."""
    clean_env = {k: v for k, v in os.environ.items()
                 if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean_env, "DATABASE_URL": "sqlite:///:memory:", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
