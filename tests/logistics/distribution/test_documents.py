"""Pick list and delivery slip PDFs, read back with pypdf (text), pypdfium2 and zxing-cpp (QR)."""

import io
import re
from collections import Counter
from datetime import date

import pytest
from django.utils import translation
from pypdf import PdfReader

from logistics.distribution.documents.content import (
    Line,
    Package,
    PickListContent,
    Slip,
    SlipsContent,
)
from logistics.distribution.documents.delivery_slips import render_delivery_slips
from logistics.distribution.documents.pick_list import render_pick_list
from startpakket.pdf import ELLIPSIS
from tests.helpers import decoded_qr_codes

KIT = (
    Line("ROMPER-50-56", "Rompertje korte mouw, maat 50/56", "stuks", 3),
    Line("BOXPAK-50-56", "Boxpakje, maat 50/56", "stuks", 2),
    Line("SOKJES-0-6", "Sokjes, 0–6 maanden", "paar", 2),
    Line("SLAAPZAK-70", "Slaapzak, 70 cm", "stuks", 1),
    Line("HYDRO-70", "Hydrofiele doeken 70×70 cm, set van 3", "set", 1),
    Line("HOESLAKEN-WIEG", "Hoeslaken voor wieg of box", "stuks", 2),
    Line("LUIERS-1", "Luiers maat 1, pak van 28", "pak", 2),
    Line("BILLENDOEKJES", "Billendoekjes, pak van 60", "pak", 2),
    Line("BABYWASGEL", "Babywasgel, 200 ml", "stuks", 1),
    Line("THERMOMETER", "Digitale thermometer", "stuks", 1),
    Line("NAGELSCHAAR", "Babynagelschaartje", "stuks", 1),
    Line("WASHANDJES", "Washandjes, set van 3", "set", 1),
    Line("BADCAPE", "Badcape", "stuks", 1),
    Line("MUTS-50-56", "Mutsje, maat 50/56", "stuks", 1),
)
CODE = re.compile(r"BSP-\d{4}-\d{5}")


def twice(lines: tuple[Line, ...]) -> tuple[Line, ...]:
    return tuple(Line(line.sku, line.name, line.unit, line.quantity * 2) for line in lines)


def totals_of(packages) -> tuple[Line, ...]:
    """What the service is to pass: per item, over the packages still to pick."""
    quantities, items = Counter(), {}
    for package in packages:
        if not package.already_packed:
            for line in package.lines:
                quantities[line.sku] += line.quantity
                items[line.sku] = line
    return tuple(Line(sku, items[sku].name, items[sku].unit, quantity)
                 for sku, quantity in sorted(quantities.items()))


def pick_list(count: int = 12, packed: tuple[int, ...] = (4,)) -> PickListContent:
    packages = []
    for number in range(1, count + 1):
        babies = 2 if number % 5 == 0 else 1
        packages.append(Package(
            code=f"BSP-2026-{number:05d}", kit_type="Startpakket maat 50/56–62/68",
            babies=babies, lines=twice(KIT) if babies == 2 else KIT,
            notes=("Tweeling: kleding, slaapzak en luiers twee keer.",) if babies == 2 else (),
            already_packed=number in packed))
    return PickListContent(warehouse="Magazijn Noord – Amsterdam", number=12,
                           created_on=date(2026, 3, 9), packages=tuple(packages),
                           totals=totals_of(packages))


def slip(code="BSP-2026-00042", **changes) -> Slip:
    values = {
        "code": code, "recipient": "Łukasz Wiśniewski",
        "address_lines": ("Ştefan cel Mare-straat 12-3", "1234 AB Amsterdam"),
        "phone": "06 12345678", "language": "Pools",
        "delivery_notes": "Bel aan bij de buren op nummer 14 als er niet wordt opengedaan.",
        "kit_type": "Startpakket maat 50/56–62/68", "babies": 1, "lines": KIT,
    }
    return Slip(**{**values, **changes})


def slips(*slips_, **changes) -> SlipsContent:
    values = {
        "foundation": "Stichting Babystart Amsterdam",
        "contact_line": "Stichting Babystart · 020 123 4567 · info@babystart.example",
        "warehouse": "Magazijn Noord", "slips": slips_, "pick_list_number": 12,
        "printed_on": date(2026, 3, 9),
    }
    return SlipsContent(**{**values, **changes})


def read(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def texts(pdf: bytes, layout: bool = False) -> list[str]:
    mode = "layout" if layout else "plain"
    return [page.extract_text(extraction_mode=mode) for page in read(pdf).pages]


def flat(text: str) -> str:
    """Whitespace and line breaks as single spaces, to find wrapped text."""
    return " ".join(text.split())


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# Pick list


def test_pick_list_shows_header_and_every_code():
    content = pick_list()
    pdf = render_pick_list(content)
    pages = texts(pdf)
    whole = "\n".join(pages)
    for code in (package.code for package in content.packages):
        assert code in whole
    for text in pages:  # the header is on every page
        assert "Pick list 12" in text
        assert "Magazijn Noord – Amsterdam" in text
        assert "9 Mar 2026" in text  # British, as the pages in English
        assert "12 packages" in text
    assert "Totals for this list" in pages[0]


def test_pick_list_numbers_its_pages_n_of_total():
    pages = texts(render_pick_list(pick_list(count=12)))
    total = len(pages)
    assert 3 <= total <= 12  # about two packages a page; never a page per line
    for number, text in enumerate(pages, start=1):
        assert text.rstrip().endswith(f"{number}/{total}")


def parse_pick_list(pdf: bytes):
    """From the page text: the totals rows and each package's rows, as (quantity, sku)."""
    row = re.compile(r"^\s*(\d+)\s+\S+\s+.+?\s{2,}([A-Z0-9-]+)\s*$")
    totals, packages, current = Counter(), {}, None
    for text in texts(pdf, layout=True):
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith("Packages"):
                current = None
            elif CODE.match(stripped):
                current = CODE.match(stripped).group()
                packages.setdefault(current, Counter())
            elif match := row.match(line):
                quantity, sku = int(match[1]), match[2]
                (packages[current] if current else totals)[sku] += quantity
    return totals, packages


def test_pick_list_totals_are_the_sum_of_the_packages_still_to_pick():
    content = pick_list(count=7, packed=(2, 4))
    totals, packages = parse_pick_list(render_pick_list(content))
    assert set(packages) == {package.code for package in content.packages}
    picked = Counter()
    for code, rows in packages.items():
        picked.update(rows)
        assert bool(rows) != (code in ("BSP-2026-00002", "BSP-2026-00004"))
    assert totals == picked
    assert totals == {line.sku: line.quantity for line in content.totals}
    assert totals["ROMPER-50-56"] == 3 * 4 + 6  # four single kits and one twin kit


def test_already_packed_package_shows_no_lines_but_says_take_the_packed_box():
    content = pick_list(count=3, packed=(2,))
    _totals, packages = parse_pick_list(render_pick_list(content))
    assert packages["BSP-2026-00002"] == Counter()
    assert packages["BSP-2026-00001"] and packages["BSP-2026-00003"]
    whole = flat(" ".join(texts(render_pick_list(content))))
    assert ("Packed earlier: take the packed box with code BSP-2026-00002. "
            "Pick nothing for this package.") in whole
    assert "Not counted: 1 package packed earlier." in whole


def test_pick_list_makes_twins_and_notes_plain():
    content = pick_list(count=5)
    whole = flat(" ".join(texts(render_pick_list(content))))
    assert "Twins: 2 babies" in whole
    assert "1 baby" in whole
    assert "Note: Tweeling: kleding, slaapzak en luiers twee keer." in whole


def test_pick_list_keeps_a_package_on_one_page():
    content = pick_list(count=9, packed=())
    for text in texts(render_pick_list(content), layout=True):
        codes = [CODE.match(line.strip()) for line in text.splitlines()]
        codes = [match.group() for match in codes if match]
        rows = [line for line in text.splitlines() if re.match(r"^\s*\d+\s+(stuks|set|paar|pak)",
                                                               line)]
        # Every package on the page starts on it and has all its lines there.
        expected = sum(len(KIT) for _code in codes) + (len(KIT) if "Totals" in text else 0)
        assert len(rows) == expected


def test_a_package_taller_than_a_page_continues_under_its_code():
    lines = tuple(Line(f"SKU-{n}", f"Artikel {n}", "stuks", 1) for n in range(60))
    package = Package("BSP-2026-00001", "Groot pakket", 1, lines, notes=("Zwaar.",))
    content = PickListContent("Magazijn", 1, date(2026, 3, 9), (package,), totals_of([package]))
    pages = texts(render_pick_list(content))
    whole = flat(" ".join(pages))
    assert "Groot pakket (continued)" in whole
    assert all(f"SKU-{n}" in whole for n in range(60))
    assert whole.count("Note: Zwaar.") == 1


def embedded_fonts(reader: PdfReader) -> set[str]:
    """The fonts the pages use, each asserted to be embedded (a TrueType subset)."""
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]
            names.add(str(font["/BaseFont"]).split("+")[-1])
    return names


def test_pick_list_metadata_and_fonts():
    reader = read(render_pick_list(pick_list(count=2)))
    assert reader.metadata.title == "Pick list 12"
    assert reader.metadata.author == "Startpakket"
    assert reader.metadata.creator == "Startpakket"
    assert embedded_fonts(reader) == {"DejaVuSans", "DejaVuSans-Bold"}


def test_empty_pick_list_renders():
    content = PickListContent("Magazijn", 3, date(2026, 3, 9), (), ())
    pages = texts(render_pick_list(content))
    assert len(pages) == 1
    assert "0 packages" in pages[0]


# Delivery slips


def test_one_page_per_slip_with_everything_the_deliverer_needs():
    content = slips(slip("BSP-2026-00001"),
                    slip("BSP-2026-00002", recipient="Ayşe Ağaoğlu", babies=2, lines=twice(KIT)),
                    slip("BSP-2026-00003", recipient="Ioana Țăranu", phone="06 87654321"))
    pdf = render_delivery_slips(content)
    pages = texts(pdf)
    assert len(pages) == 3
    first = flat(pages[0])
    for expected in ("Stichting Babystart Amsterdam", "Delivery slip", "BSP-2026-00001",
                     "Łukasz Wiśniewski", "Ştefan cel Mare-straat 12-3", "1234 AB Amsterdam",
                     "06 12345678", "Pools", "Bel aan bij de buren op nummer 14",
                     "Startpakket maat 50/56–62/68", "1 baby", "Hydrofiele doeken 70×70 cm",
                     "Received by (name)", "Signature", "Date",
                     "Stichting Babystart · 020 123 4567 · info@babystart.example",
                     "Magazijn Noord · 9 Mar 2026", "Pick list 12 · slip 1/3"):
        assert expected in first, expected
    assert embedded_fonts(read(pdf)) == {"DejaVuSans", "DejaVuSans-Bold"}
    assert "Ayşe Ağaoğlu" in pages[1]
    assert "Twins: 2 babies" in pages[1]
    assert "Pick list 12 · slip 2/3" in pages[1]
    assert "Ioana Țăranu" in pages[2]
    assert "06 87654321" in pages[2]
    assert "Ayşe" not in pages[0] + pages[2]


def test_slips_without_pick_list_contact_line_notes_or_phone():
    content = slips(slip(delivery_notes="", phone=""), contact_line="", pick_list_number=None)
    reader = read(render_delivery_slips(content))
    text = flat(reader.pages[0].extract_text())
    assert "Slip 1/1" in text
    assert "Pick list" not in text
    assert "Delivery notes" not in text
    assert "Phone" not in text
    assert "020 123" not in text
    assert reader.metadata.title == "Delivery slips"


def test_no_slips_is_an_error_not_an_empty_page():
    with pytest.raises(ValueError, match="No slips"):
        render_delivery_slips(slips())


def test_slip_metadata_holds_no_personal_data():
    reader = read(render_delivery_slips(slips(slip())))
    metadata = " ".join(str(value) for value in reader.metadata.values())
    assert reader.metadata.title == "Delivery slips for pick list 12"
    assert reader.metadata.author == "Startpakket"
    for personal in ("Łukasz", "Wiśniewski", "Amsterdam", "0612345678", "06 12345678"):
        assert personal not in metadata


LONG_NOTES = ("Derde verdieping, de lift is vaak kapot; bel aan bij de buren op nummer 14 als "
              "er niet wordt opengedaan. ") * 12
LONG_NAME = "Małgorzata Grzegorczyk-Brzęczyszczykiewicz van der Meer-de Groot Ağaoğlu Popescu"
LONG_NAME = (LONG_NAME + " Țăranu-Ionescu Kowalczyk")[:100]
MANY_LINES = tuple(Line(f"ITEM-{n:02d}", f"Artikel {n:02d}, rompertje korte mouw maat 50/56",
                        "stuks", 2) for n in range(40))


@pytest.mark.parametrize("changes", [
    pytest.param({"delivery_notes": LONG_NOTES[:1000]}, id="notes-1000"),
    pytest.param({"lines": MANY_LINES}, id="lines-40"),
    pytest.param({"recipient": LONG_NAME}, id="name-100"),
    pytest.param({"delivery_notes": LONG_NOTES[:1000], "lines": MANY_LINES,
                  "recipient": LONG_NAME, "babies": 3}, id="all-at-once"),
])
def test_worst_cases_still_fit_on_one_page(changes):
    assert len(LONG_NAME) == 100
    content = slips(slip(**changes), slip("BSP-2026-00043"))
    pages = texts(render_delivery_slips(content))
    assert len(pages) == 2
    first = flat(pages[0])
    assert flat(changes.get("recipient", "Łukasz Wiśniewski")) in first
    for line in changes.get("lines", KIT):
        assert line.name.split(",")[0] in first  # every item is there, if cut short
    notes = changes.get("delivery_notes", "")
    if notes:
        assert flat(notes)[:120] in first
    assert "Received by (name)" in first
    assert "Pick list 12 · slip 1/2" in first
    assert "Stichting Babystart · 020 123 4567" in first


def test_notes_are_cut_with_an_ellipsis_only_as_a_last_resort():
    alone = flat(texts(render_delivery_slips(slips(slip(delivery_notes=LONG_NOTES[:1000]))))[0])
    assert flat(LONG_NOTES[:1000]) in alone  # wrapped, not cut
    crowded = slip(delivery_notes=LONG_NOTES[:1000], lines=MANY_LINES, recipient=LONG_NAME)
    text = flat(texts(render_delivery_slips(slips(crowded)))[0])
    assert flat(LONG_NOTES[:1000]) not in text
    assert flat(LONG_NOTES)[:100] in text
    notes_end = text.index(ELLIPSIS, text.index(flat(LONG_NOTES)[:100]))
    assert text.index("Contents") > notes_end


def test_an_absurd_checklist_still_fits_and_says_what_is_left_out():
    lines = tuple(Line(f"X{n}", f"Artikel {n:03d}", "stuks", 1) for n in range(150))
    pages = texts(render_delivery_slips(slips(slip(lines=lines))))
    assert len(pages) == 1
    assert re.search(r"… and \d+ more items: see the pick list", pages[0])
    assert "Artikel 000" in pages[0]


def test_qr_code_on_each_slip_holds_exactly_its_code():
    content = slips(slip("BSP-2026-00042"), slip("BSP-2026-01234", recipient="Ayşe Ağaoğlu"))
    assert decoded_qr_codes(render_delivery_slips(content)) == [["BSP-2026-00042"],
                                                               ["BSP-2026-01234"]]


def test_qr_code_survives_the_crowded_layout():
    crowded = slip("BSP-2026-00077", delivery_notes=LONG_NOTES[:1000], lines=MANY_LINES,
                   recipient=LONG_NAME)
    assert decoded_qr_codes(render_delivery_slips(slips(crowded))) == [["BSP-2026-00077"]]
