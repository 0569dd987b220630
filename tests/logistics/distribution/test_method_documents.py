"""Each delivery method's documents (DESIGN §5), rendered, opened and read back: the pick list
grouped by method, slips and the route sheet for kits at the door only, pick-up notes for kits
collected at a pick-up point, and address labels for kits by post, on an A4 sheet of 2 × 4
labels (99.1 × 67.7 mm, as Avery L7165) or one 10 × 15 cm label a page. A label says nothing
of what is in the box; no document says anything of income."""

import io
import re

import pypdfium2
import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.cache import cache
from pypdf import PdfReader
from reportlab.lib.units import mm
from rest_framework.throttling import ScopedRateThrottle

from logistics.distribution import services as pick_lists
from logistics.distribution.documents.content import Label, LabelsContent
from logistics.distribution.documents.labels import A4_SHEET, SINGLE, render_labels
from startpakket import audit
from startpakket.roles import Role
from tests.factories import (
    OrganisationSettingsFactory,
    PickupPointFactory,
    UserFactory,
    WarehouseFactory,
    stock_for_kits,
)
from tests.helpers import approved_kits, decoded_qr_codes, pdf_text

pytestmark = pytest.mark.django_db

CODE = re.compile(r"BSP-\d{4}-\d{5}")
RETURN_ADDRESS = "Stichting SD\nPostbus 1234\n3500 AA  Utrecht"
# What would tell a neighbour what is in the box: the product, the kit, its contents, the
# foundation's name (unless the return address itself holds it), the referral code's prefix.
TELLING = ("startpakket", "pakket", "baby", "romper", "luier", "slaapzak", "stichting startpakket",
           "bsp", "kraam", "Startpakket maat")


@pytest.fixture
def foundation(coordinator):
    """The coordinator's organisation: the foundation, with its return address."""
    foundation = coordinator.organisation
    foundation.name = "Stichting Startpakket Utrecht"
    foundation.save()
    OrganisationSettingsFactory(organisation=foundation, return_address=RETURN_ADDRESS,
                                contact_line="Stichting Startpakket · 030 123 45 67")
    return foundation


@pytest.fixture
def point(warehouse):
    return PickupPointFactory(warehouse=warehouse, name="Bibliotheek Overvecht",
                              address="Zamenhofdreef 1", postcode="3562 JT", city="Utrecht",
                              opening_hours="ma–vr 10:00–18:00, za 10:00–14:00")


@pytest.fixture
def mixed(warehouse, coordinator, referrer, warehouse_user, point, foundation):
    """A list of six kits in urgency order: door, post, pick-up, door, post, pick-up."""
    made = []
    for number in range(6):
        method = ("delivery", "post", "pickup")[number % 3]
        extra = {"pickup_point": point} if method == "pickup" else {}
        kit, = approved_kits(warehouse, coordinator, referrer, 1, delivery_method=method,
                             parent_first_name=f"Ouder{number}",
                             parent_last_name=f"{method.capitalize()}{number}", **extra)
        made.append(kit)
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    return made, pick_list


def codes_of(made, method):
    return [kit.code for kit in made if kit.delivery_method == method]


# --- the pick list and the door's documents ----------------------------------------------------


def test_the_pick_list_groups_its_kits_by_method(warehouse_client, mixed):
    made, pick_list = mixed
    _pages, text = pdf_text(warehouse_client.get(f"/pick-lists/{pick_list.pk}/pdf/").content)
    headings = [line for line in text.splitlines() if line.startswith("Pakketten")]
    assert headings == ["Pakketten: bezorgen aan de deur (2)", "Pakketten: afhaalpunt (2)",
                        "Pakketten: per post (2)"]
    assert CODE.findall(text) == [*codes_of(made, "delivery"), *codes_of(made, "pickup"),
                                  *codes_of(made, "post")]
    assert text.count("Voor afhaalpunt Bibliotheek Overvecht, met de afhaalbon erbij.") == 2
    assert text.count("Per post: een neutrale doos, met niets erop dan het adresetiket.") == 2
    for name in ("Ouder", "Delivery0", "Zamenhofdreef"):  # still no names or addresses
        assert name not in text


def test_slips_and_the_route_sheet_are_for_the_kits_at_the_door_only(warehouse_client, mixed):
    made, pick_list = mixed
    pages, slips = pdf_text(
        warehouse_client.get(f"/pick-lists/{pick_list.pk}/delivery-slips/").content)
    assert pages == 2 and CODE.findall(slips) == codes_of(made, "delivery")
    _pages, route = pdf_text(
        warehouse_client.get(f"/pick-lists/{pick_list.pk}/route-sheet/").content)
    assert sorted(CODE.findall(route)) == sorted(codes_of(made, "delivery"))
    # A pick-up kit's own page offers no slip: its document is the pick-up note.
    pickup = made[2]
    refused = warehouse_client.get(f"/referrals/{pickup.code}/delivery-slip/", follow=True)
    assert "Niet voor dit pakket: de bezorgwijze is “afhaalpunt”." in refused.content.decode()


# --- pick-up notes -----------------------------------------------------------------------------


def test_pick_up_notes_name_the_family_the_point_and_what_to_bring(
        warehouse_client, warehouse_user, mixed):
    made, pick_list = mixed
    answer = warehouse_client.get(f"/pick-lists/{pick_list.pk}/pickup-notes/")
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"] == (
        f'inline; filename="pickup-notes-{pick_list.warehouse.code}-{pick_list.number}.pdf"')
    reader = PdfReader(io.BytesIO(answer.content))
    notes = codes_of(made, "pickup")
    assert len(reader.pages) == len(notes)  # a page per kit, never more
    for page, code in zip(reader.pages, notes, strict=True):
        text = page.extract_text()
        assert CODE.findall(text)[0] == code
        for shown in ("Afhaalbon", "Bibliotheek Overvecht", "Zamenhofdreef 1", "3562 JT Utrecht",
                      "ma–vr 10:00–18:00, za 10:00–14:00", "identiteitsbewijs",
                      f"of de code {code}", "4 weken", "Opgehaald door (naam)",
                      "Stichting Startpakket · 030 123 45 67", "Rompertje"):
            assert shown in text, shown
    texts = [page.extract_text() for page in reader.pages]
    assert "Ouder2 Pickup2" in texts[0] and "Ouder5 Pickup5" in texts[1]
    for hidden in ("1200", "Loon", "inkomen", "Delivery0", "Post1", "Dorpsstraat"):
        assert all(hidden not in text for text in texts), hidden
    assert decoded_qr_codes(answer.content) == [
        [f"{settings.SITE_URL}/deliveries/{code}/"] for code in notes]
    reads = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=warehouse_user,
                                    additional_data__what=audit.PICKUP_NOTE_PRINTED)
    assert sorted(entry.object_pk for entry in reads) == sorted(
        str(kit.pk) for kit in made if kit.delivery_method == "pickup")


def test_a_pick_up_note_stays_on_one_page_with_long_hours_and_many_items(
        warehouse, coordinator, referrer, warehouse_user, warehouse_client, foundation):
    point = PickupPointFactory(warehouse=warehouse, name="Buurthuis " + "Lunetten " * 8,
                               opening_hours="maandag tot en met vrijdag van tien tot vijf\n" * 9)
    stock_for_kits(warehouse, 2, user=coordinator)  # triplets: three times the clothes
    kit, = approved_kits(warehouse, coordinator, referrer, 1, babies=3,
                         delivery_method="pickup", pickup_point=point,
                         parent_first_name="Anna-Maria Theodora " * 3)
    pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    pages, text = pdf_text(warehouse_client.get(f"/referrals/{kit.code}/pickup-note/").content)
    assert pages == 1 and kit.code in text


# --- address labels ----------------------------------------------------------------------------


def labels(count: int, **sender) -> LabelsContent:
    return LabelsContent(
        sender_lines=tuple(RETURN_ADDRESS.splitlines()),
        labels=tuple(Label(recipient=f"Ouder{n} Achternaam{n}",
                           address_lines=(f"Amsterdamsestraatweg {300 + n}", "3551 CT  UTRECHT"),
                           reference=f"2026-{n:05d}") for n in range(count)),
    )


def text_runs(pdf: bytes) -> list[tuple[int, float, float, str]]:
    """Every string drawn: (page, x, y of its baseline start in points, text)."""
    runs = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
        def visit(text, cm, tm, font, size, number=number):
            if text.strip():
                runs.append((number, tm[4] + cm[4], tm[5] + cm[5], text.strip()))
        page.extract_text(visitor_text=visit)
    return runs


# The sheets as sold, written out here rather than taken from the code: an A4 sheet of 2 × 4
# labels of 99.1 × 67.7 mm, 4.65 mm from the left edge and 13.1 mm from the top, 2.5 mm between
# the columns; and one 100 × 150 mm label. Nothing may be printed closer than 3 mm to a label's
# edge: printers feed sheets a millimetre or two off.
SAFE = 3 * mm
A4_LABELS = [((4.65 + column * (99.1 + 2.5)) * mm, (297 - 13.1 - (row + 1) * 67.7) * mm,
              99.1 * mm, 67.7 * mm) for row in range(4) for column in range(2)]
SINGLE_LABEL = [(0, 0, 100 * mm, 150 * mm)]


def label_boxes(labels):
    """Each label's area that may be printed on, inside the safe margin, in points."""
    return [(x + SAFE, y + SAFE, x + width - SAFE, y + height - SAFE)
            for x, y, width, height in labels]


def test_the_a4_sheet_is_the_common_2_by_4_sheet():
    sheet = A4_SHEET
    assert (sheet.columns, sheet.rows) == (2, 4)
    assert (round(sheet.width / mm, 1), round(sheet.height / mm, 1)) == (99.1, 67.7)
    # Centred on A4 as the sheet is cut: 4.65 mm left and right, 13.1 mm top and bottom.
    left, top = sheet.origin(0)[0], sheet.page_size[1] - sheet.origin(0)[1] - sheet.height
    right = sheet.page_size[0] - (sheet.origin(1)[0] + sheet.width)
    bottom = sheet.origin(7)[1]
    assert [round(value / mm, 2) for value in (left, right, top, bottom)] == [
        4.65, 4.65, 13.1, 13.1]
    assert round((sheet.origin(1)[0] - sheet.origin(0)[0] - sheet.width) / mm, 2) == 2.5


def test_every_label_on_a_sheet_stays_inside_its_own_label():
    pdf = render_labels(labels(11), A4_SHEET)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2  # eight, then three
    width, height = (float(value) for value in reader.pages[0].mediabox[2:])
    assert (round(width / mm), round(height / mm)) == (210, 297)
    boxes = label_boxes(A4_LABELS)
    runs = text_runs(pdf)
    for page, x, y, text in runs:
        inside = [box for box in boxes
                  if box[0] - 0.5 <= x <= box[2] and box[1] - 0.5 <= y <= box[3]]
        assert len(inside) == 1, (page, x, y, text)
    # Each label's recipient in its own box, in reading order: left, right, next row.
    names = [(page, x, y) for page, x, y, text in runs if text.startswith("Ouder")]
    assert len(names) == 11
    places = [(0, position) for position in range(8)] + [(1, position) for position in range(3)]
    for (page, x, y), (sheet, position) in zip(names, places, strict=True):
        box = boxes[position]
        assert page == sheet and box[1] <= y <= box[3]
        # Set in from the label's left, as post is addressed, in its left half.
        assert box[0] + 10 * mm <= x <= (box[0] + box[2]) / 2
    # The sender at the top left of each label, 6 mm in.
    senders = [(page, x, y) for page, x, y, text in runs if text.startswith("Afzender")]
    for (page, x, y), (sheet, position) in zip(senders, places, strict=True):
        left, _bottom, _right, top = A4_LABELS[position][0], 0, 0, (
            A4_LABELS[position][1] + A4_LABELS[position][3])
        assert page == sheet and x == pytest.approx(left + 6 * mm, abs=0.5)
        assert top - 6 * mm - 12 <= y <= top - 6 * mm


@pytest.mark.parametrize(("sheet", "areas"), [(A4_SHEET, A4_LABELS), (SINGLE, SINGLE_LABEL)])
def test_no_ink_falls_outside_the_labels_when_the_sheet_is_printed(sheet, areas):
    """Rendered as a printer would (pypdfium2, 100 dpi): every dark pixel lies on a label,
    inside its safe margin, none in the sheet's margins or between the columns."""
    pdf = render_labels(labels(8), sheet)
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=100 / 72, grayscale=True).to_pil()
    finally:
        document.close()
    scale = 100 / 72
    page_height = sheet.page_size[1]
    inked = [(x, y) for y in range(image.height) for x in range(image.width)
             if image.getpixel((x, y)) < 128]
    assert inked
    for x, y in inked:
        point_x, point_y = x / scale, page_height - y / scale
        assert any(left - 1 <= point_x <= right + 1 and bottom - 1 <= point_y <= top + 1
                   for left, bottom, right, top in label_boxes(areas)), (x, y)


def test_the_single_label_is_10_by_15_cm_one_a_page():
    pdf = render_labels(labels(3), SINGLE)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    for page in reader.pages:
        width, height = (float(value) for value in page.mediabox[2:])
        assert (round(width / mm), round(height / mm)) == (100, 150)
    box, = label_boxes(SINGLE_LABEL)
    for _page, x, y, text in text_runs(pdf):
        assert box[0] - 0.5 <= x <= box[2] and box[1] - 0.5 <= y <= box[3], text


@pytest.mark.parametrize("size", ["a4", "10x15"])
def test_labels_for_a_list_carry_name_address_and_sender_and_nothing_of_the_kit(
        warehouse_client, warehouse_user, mixed, size):
    made, pick_list = mixed
    answer = warehouse_client.get(f"/pick-lists/{pick_list.pk}/address-labels/?size={size}")
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"] == (
        f'inline; filename="address-labels-{size}-{pick_list.warehouse.code}-'
        f'{pick_list.number}.pdf"')
    pages, text = pdf_text(answer.content)
    assert pages == (1 if size == "a4" else 2)
    post = [kit for kit in made if kit.delivery_method == "post"]
    for kit in post:
        assert f"Ouder{made.index(kit)} Post{made.index(kit)}" in text
        assert "Dorpsstraat 12" in text and "3511 AB UTRECHT" in text
        assert kit.code.removeprefix("BSP-") in text
    assert "Afzender: Stichting SD" in text and "Postbus 1234" in text
    assert text.count("Postbus 1234") == len(post)
    lowered = text.lower()
    for telling in TELLING:
        assert telling.lower() not in lowered, telling
    for other in ("Delivery0", "Pickup2", "1200", "06 12345678"):
        assert other not in text
    reads = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=warehouse_user,
                                    additional_data__what=audit.LABEL_PRINTED)
    assert sorted(entry.object_pk for entry in reads) == sorted(str(kit.pk) for kit in post)


def test_a_single_kits_label_is_10_by_15_unless_asked(warehouse_client, mixed):
    made, _pick_list = mixed
    post = made[1]
    single = warehouse_client.get(f"/referrals/{post.code}/address-label/")
    assert single["Content-Disposition"] == (
        f'inline; filename="address-label-10x15-{post.code}.pdf"')
    reader = PdfReader(io.BytesIO(single.content))
    assert round(float(reader.pages[0].mediabox[2]) / mm) == 100
    sheet = warehouse_client.get(f"/referrals/{post.code}/address-label/?size=a4")
    assert round(float(PdfReader(io.BytesIO(sheet.content)).pages[0].mediabox[2]) / mm) == 210


def test_labels_need_the_foundations_return_address(warehouse_client, token_client,
                                                    warehouse_user, mixed, foundation):
    _made, pick_list = mixed
    foundation.logistics_settings.return_address = " \n "
    foundation.logistics_settings.save()
    page = warehouse_client.get(f"/pick-lists/{pick_list.pk}/address-labels/", follow=True)
    assert page.redirect_chain == [(f"/pick-lists/{pick_list.pk}/", 302)]
    assert "De stichting heeft nog geen retouradres" in page.content.decode()
    api = token_client(warehouse_user).get(f"/api/v1/pick-lists/{pick_list.pk}/address-labels/")
    assert api.status_code == 409 and api.json()["code"] == "no_return_address"
    assert not LogEntry.objects.filter(additional_data__what=audit.LABEL_PRINTED).exists()


def test_a_documents_method_without_kits_on_the_list_is_refused(
        warehouse, coordinator, referrer, warehouse_user, warehouse_client, token_client,
        foundation):
    approved_kits(warehouse, coordinator, referrer, 1)
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    page = warehouse_client.get(f"/pick-lists/{pick_list.pk}/pickup-notes/", follow=True)
    assert "Op deze lijst staat geen pakket meer dat naar een afhaalpunt moet." in (
        page.content.decode())
    api = token_client(warehouse_user)
    for path in ("pickup-notes/", "address-labels/"):
        answer = api.get(f"/api/v1/pick-lists/{pick_list.pk}/{path}")
        assert answer.status_code == 409 and answer.json()["code"] == "no_slips"


# --- the API's document endpoints --------------------------------------------------------------


def test_the_api_hands_out_each_methods_documents_scoped_and_throttled(
        token_client, warehouse_user, coordinator, mixed):
    made, pick_list = mixed
    api = token_client(warehouse_user)
    base = f"/api/v1/pick-lists/{pick_list.pk}/"
    notes = api.get(base + "pickup-notes/")
    assert notes.status_code == 200 and notes["Content-Type"] == "application/pdf"
    assert list(dict.fromkeys(CODE.findall(pdf_text(notes.content)[1]))) == codes_of(
        made, "pickup")
    sheet = api.get(base + "address-labels/")
    assert round(float(PdfReader(io.BytesIO(sheet.content)).pages[0].mediabox[2]) / mm) == 210
    bad = api.get(base + "address-labels/?size=a5")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["size"]

    pickup, post = made[2], made[1]
    assert api.get(f"/api/v1/referrals/{pickup.code}/pickup-note/").status_code == 200
    label = api.get(f"/api/v1/referrals/{post.code}/address-label/")
    assert round(float(PdfReader(io.BytesIO(label.content)).pages[0].mediabox[2]) / mm) == 100
    wrong = api.get(f"/api/v1/referrals/{pickup.code}/address-label/")
    assert wrong.status_code == 409 and wrong.json()["code"] == "wrong_delivery_method"
    assert api.get(f"/api/v1/referrals/{post.code}/").json()["actions"] == ["print_label"]

    stranger = token_client(UserFactory(role=Role.WAREHOUSE, organisation=WarehouseFactory()))
    assert stranger.get(base + "pickup-notes/").status_code == 404
    assert stranger.get(f"/api/v1/referrals/{post.code}/address-label/").status_code == 404
    assert token_client(UserFactory(role=Role.REFERRER)).get(
        base + "address-labels/").status_code in (403, 404)

    cache.clear()
    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = {**original, "documents": "2/minute"}
    try:
        statuses = [api.get(base + "pickup-notes/").status_code,
                    api.get(base + "address-labels/").status_code,
                    api.get(f"/api/v1/referrals/{post.code}/address-label/").status_code]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original
        cache.clear()
    assert statuses == [200, 200, 429]
