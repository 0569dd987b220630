"""The pick list as packers use it (issue #15, point 11): kit names whole, lines in the kit's
own order, a "packed by / checked by" line per kit, and no page left half empty where the next
kit would have fit. Read back with pypdf, text and its place on the page."""

import io
import itertools
import re
from datetime import date

import pytest
from django.utils import translation
from pypdf import PdfReader

from logistics.distribution.documents.content import Line, Package, PickListContent
from logistics.distribution.documents.pick_list import render_pick_list
from logistics.distribution.services import create_pick_list
from logistics.models import KitComponent
from startpakket.pdf import ELLIPSIS
from tests.helpers import approved_kits, pdf_text

MM = 72 / 25.4
CODE = re.compile(r"BSP-\d{4}-\d{5}")

# The shipped first kit, in the order its kit type lists it (fixtures/kit_types.json): clothes,
# sleeping, care, nappies. Written out: the order is the specification.
START_KIT = (
    Line("ROMPER-50-56", "Rompertje korte mouw, maat 50/56", "stuks", 3),
    Line("ROMPER-62-68", "Rompertje lange mouw, maat 62/68", "stuks", 3),
    Line("BOXPAK-50-56", "Boxpakje, maat 50/56", "stuks", 2),
    Line("BOXPAK-62-68", "Boxpakje, maat 62/68", "stuks", 2),
    Line("MUTS-50-56", "Mutsje, maat 50/56", "stuks", 1),
    Line("SOKJES-0-6", "Sokjes, 0–6 maanden", "paar", 2),
    Line("SLAAPZAK-70", "Slaapzak, 70 cm", "stuks", 1),
    Line("HYDRO-70", "Hydrofiele doeken 70×70 cm, set van 3", "set", 1),
    Line("HOESLAKEN-WIEG", "Hoeslaken voor wieg of box", "stuks", 2),
    Line("BADCAPE", "Badcape", "stuks", 1),
    Line("WASHANDJES", "Washandjes, set van 3", "set", 1),
    Line("LUIERS-1", "Luiers maat 1, pak van 28", "pak", 2),
    Line("BILLENDOEKJES", "Billendoekjes, pak van 60", "pak", 2),
    Line("BABYWASGEL", "Babywasgel, 200 ml", "stuks", 1),
    Line("THERMOMETER", "Digitale thermometer", "stuks", 1),
    Line("NAGELSCHAAR", "Babynagelschaartje", "stuks", 1),
)
LONG_KIT = "Vervolgpakket maat 74/80–86/92"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def package(number: int, *, kit=START_KIT, kit_type="Startpakket maat 50/56–62/68", babies=1,
            notes=(), packed=False) -> Package:
    lines = tuple(Line(line.sku, line.name, line.unit, line.quantity * babies) for line in kit)
    return Package(f"BSP-2026-{number:05d}", kit_type, babies, lines, notes, packed)


def content(*packages: Package) -> PickListContent:
    totals: dict[str, Line] = {}
    for item in packages:
        if not item.already_packed:
            for line in item.lines:
                seen = totals.get(line.sku)
                totals[line.sku] = line if seen is None else Line(
                    line.sku, line.name, line.unit, seen.quantity + line.quantity)
    return PickListContent("Magazijn Noord", 7, date(2026, 3, 9), packages,
                           tuple(totals.values()))


def placed_texts(pdf: bytes) -> list[list[tuple[str, float]]]:
    """Per page, each piece of text drawn and the height of its baseline, in points."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        found = []

        def visit(text, cm, tm, _font, _size, found=found):
            if text.strip():
                found.append((text.strip(), tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))
        page.extract_text(visitor_text=visit)
        pages.append(found)
    return pages


def codes_per_page(pdf: bytes) -> list[list[str]]:
    return [[text for text, _y in page if CODE.fullmatch(text)] for page in placed_texts(pdf)]


def test_a_long_kit_name_is_never_cut_short():
    pdf = render_pick_list(content(
        package(1, kit_type=LONG_KIT, babies=2, notes=("Tweeling.",)),
        package(2, kit_type=LONG_KIT, babies=3),
        package(3, kit_type=LONG_KIT + " met extra slabbetjes en een tweede drinkbeker")))
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(
        io.BytesIO(pdf)).pages)
    assert ELLIPSIS not in text
    assert text.count(f"Twins: 2 babies {LONG_KIT}") == 1
    assert text.count(f"Triplets: 3 babies {LONG_KIT}") == 1
    assert f"{LONG_KIT} met extra slabbetjes en een tweede drinkbeker" in text


def test_each_kit_has_lines_for_who_packed_and_who_checked_it():
    pdf = render_pick_list(content(package(1), package(2, packed=True), package(3, babies=2)))
    pages = placed_texts(pdf)
    texts = [text for page in pages for text, _y in page]
    # A box packed earlier is only checked: nothing is packed for it now.
    assert texts.count("Packed by") == 2
    assert texts.count("Checked by") == 3
    # Each below its own kit's last line, before the next kit's code.
    order = [text for text in texts if CODE.fullmatch(text) or text.endswith(" by")]
    assert order == ["BSP-2026-00001", "Packed by", "Checked by", "BSP-2026-00002",
                     "Checked by", "BSP-2026-00003", "Packed by", "Checked by"]


def test_a_kit_split_over_two_pages_signs_off_once_at_its_end():
    lines = tuple(Line(f"SKU-{n}", f"Artikel {n}", "stuks", 1) for n in range(60))
    pdf = render_pick_list(content(package(1, kit=lines)))
    pages = [[text for text, _y in page] for page in placed_texts(pdf)]
    assert sum(page.count("Packed by") for page in pages) == 1
    last = max(number for number, page in enumerate(pages) if "SKU-59" in page)
    assert "Packed by" in pages[last]


def test_two_full_kits_share_a_page():
    """Kits of 16 lines go two to a page, a twin's note and the sign-off lines included: the
    blocks are not so tall that every kit takes a page of its own."""
    twin = package(4, babies=2, notes=("For 2 babies: the baby clothes are counted for each.",))
    pdf = render_pick_list(content(*(twin if number == 4 else package(number)
                                     for number in range(1, 8))))
    assert [len(codes) for codes in codes_per_page(pdf)] == [0, 2, 2, 2, 1]


def block_edges(page: list[tuple[str, float]]) -> list[tuple[float, float]]:
    """Each kit block on the page as (top, bottom), from where its code and its last sign-off
    line are drawn (``pick_list.PackageBlock``: code 6 mm below the top inside a 2.5 mm
    padding; sign-off 1.5 mm above the bottom padding)."""
    blocks, top = [], None
    for text, y in page:
        if CODE.fullmatch(text):
            top = y + (6 + 2.5) * MM
        elif text == "Checked by" and top is not None:
            blocks.append((top, y - (1.5 + 2.5) * MM))
            top = None
    return blocks


@pytest.mark.parametrize("packages", [
    pytest.param([package(n, packed=n % 3 == 0) for n in range(1, 25)], id="packed-earlier-mixed"),
    pytest.param([package(n, babies=2 if n % 4 == 0 else 1,
                          notes=("Tweeling: alles dubbel.",) * (1 if n % 4 == 0 else 0),
                          kit_type=LONG_KIT if n % 2 else "Startpakket")
                  for n in range(1, 16)], id="twins-and-long-names"),
    pytest.param([package(n, kit=START_KIT[: 3 + n % 9], packed=n % 5 == 0)
                  for n in range(1, 31)], id="small-kits"),
])
def test_no_page_ends_early_where_the_next_kit_would_fit(packages):
    pdf = render_pick_list(content(*packages))
    pages = [block_edges(page) for page in placed_texts(pdf)]
    assert sum(len(blocks) for blocks in pages) == len(packages)
    frame_bottom = 12 * MM
    gap = 4 * MM  # between two blocks
    for here, following in itertools.pairwise(pages):
        if not here or not following:
            continue  # the totals' page
        room = here[-1][1] - frame_bottom - gap
        next_top, next_bottom = following[0]
        assert next_top - next_bottom > room - 1, (room, next_top - next_bottom)


# Through the pages: the lines of a kit in its kit type's order, not by name


@pytest.mark.django_db
def test_a_kits_lines_follow_its_kit_type_and_an_item_taken_out_comes_last(
        warehouse_client, warehouse, warehouse_user, coordinator, referrer):
    approved_kits(warehouse, coordinator, referrer, 2)
    # After approval the coordinator takes the thermometer out of the kit type: the boxes
    # approved before still hold it (their goods were set aside), at the end of the list.
    KitComponent.objects.filter(kit_type__code="start-50-68", item__sku="THERMOMETER").delete()
    pick_list = create_pick_list(warehouse=warehouse, user=warehouse_user)
    answer = warehouse_client.get(f"/pick-lists/{pick_list.pk}/pdf/")
    skus = [line.sku for line in START_KIT]
    expected = [sku for sku in skus if sku != "THERMOMETER"] + ["THERMOMETER"]
    found = [text for text in pdf_text(answer.content)[1].split("\n") if text in skus]
    # The totals, then each of the two kits, all in that order.
    assert found == expected * 3
