"""What the driver takes along and opens at the door (issue #15, points 9, 10 and 12): the
delivery page with phone and notes, the slip's deliver-by date, second attempt and QR link, the
route sheet in postcode order, and a kit packed before marked so on the list's page."""

import datetime
import re
from decimal import Decimal

import phonenumbers
import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation
from rest_framework.throttling import ScopedRateThrottle

from eligibility import rules
from logistics.distribution import services as pick_lists
from logistics.distribution.documents.content import (
    Line,
    RouteSheetContent,
    Slip,
    SlipsContent,
    Stop,
)
from logistics.distribution.documents.delivery_slips import render_delivery_slips
from logistics.distribution.documents.route_sheet import render_route_sheet
from logistics.distribution.services import DEFAULT_PACKAGES
from logistics.models import ReferralStatus
from startpakket import audit
from startpakket.pdf import ELLIPSIS
from startpakket.roles import Role
from tests.factories import UserFactory, WarehouseFactory
from tests.helpers import approved_kits, decoded_qr_codes, pdf_text

pytestmark = pytest.mark.django_db
S = ReferralStatus

# An income no page or paper for the warehouse may show, in any notation.
INCOME = (rules.Income("wages", Decimal("1357.91")),)
INCOME_TEXTS = ("1357", "1.357", "1,357", "Loon", "wages", "Inkomen", "income")
CODE = re.compile(r"BSP-\d{4}-\d{5}")


def dutch_date(day: datetime.date, form: str = "SHORT_DATE_FORMAT") -> str:
    with translation.override("nl"):
        return formats.date_format(day, form)


def packed_list(warehouse, warehouse_user, coordinator, referrer, count, **overrides):
    referrals = approved_kits(warehouse, coordinator, referrer, count, incomes=INCOME,
                              **overrides)
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    pick_lists.pack(pick_list=pick_list, user=warehouse_user)
    return referrals, pick_list


def back_on_a_new_list(referral, warehouse, user, reason):
    """The kit's delivery failed; it goes, packed, on the next list."""
    pick_lists.record_failed_delivery(referral=referral, user=user, reason=reason)
    return pick_lists.create_pick_list(warehouse=warehouse, user=user)


# 9. The delivery page


def test_the_delivery_page_shows_phone_and_notes_but_never_income(
        warehouse_client, warehouse, warehouse_user, coordinator, referrer):
    (kit,), _ = packed_list(warehouse, warehouse_user, coordinator, referrer, 1,
                            delivery_notes="Bel aan bij nummer 14; de bel doet het niet.")
    html = warehouse_client.get("/deliveries/", {"code": kit.code}).content.decode()
    assert "06 12345678" in html and 'href="tel:+31612345678"' in html
    assert "Opmerkingen voor de bezorging" in html
    assert "Bel aan bij nummer 14; de bel doet het niet." in html
    assert f"uiterlijk bezorgen op {dutch_date(kit.deliver_by, 'DATE_FORMAT')}" in html
    for hidden in INCOME_TEXTS:
        assert hidden not in html, hidden
    # The forms to record it are there: the kit is packed.
    assert f'action="/referrals/{kit.code}/deliver/"' in html


def test_a_kit_without_notes_shows_no_empty_notes(warehouse_client, warehouse, warehouse_user,
                                                  coordinator, referrer):
    (kit,), _ = packed_list(warehouse, warehouse_user, coordinator, referrer, 1)
    html = warehouse_client.get(f"/deliveries/{kit.code}/").content.decode()
    assert "06 12345678" in html
    assert "Opmerkingen voor de bezorging" not in html


# 10. The slip: deliver-by date, second attempt, QR code to the delivery page


def test_the_slip_has_the_deliver_by_date(warehouse_client, warehouse, warehouse_user,
                                          coordinator, referrer):
    due = timezone.localdate() + datetime.timedelta(days=100)
    _kits, pick_list = packed_list(warehouse, warehouse_user, coordinator, referrer, 1,
                                   due_date=due)
    _pages, text = pdf_text(warehouse_client.get(
        f"/pick-lists/{pick_list.pk}/delivery-slips/").content)
    # Six weeks before the due date (the delivery target).
    deliver_by = due - datetime.timedelta(weeks=6)
    assert f"Uiterlijk bezorgen op {dutch_date(deliver_by)}" in text
    assert "poging" not in text.lower()  # a first attempt says nothing of attempts


def test_a_second_attempt_says_why_the_first_failed_on_slip_and_page(
        warehouse_client, warehouse, warehouse_user, coordinator, referrer):
    (failed, other), _ = packed_list(warehouse, warehouse_user, coordinator, referrer, 2)
    again = back_on_a_new_list(failed, warehouse, warehouse_user, "Niemand thuis, buren weg")

    pages, text = pdf_text(warehouse_client.get(
        f"/pick-lists/{again.pk}/delivery-slips/").content)
    assert pages == 1
    assert "Tweede poging" in text
    assert "Vorige keer mislukt: Niemand thuis, buren weg" in text

    html = warehouse_client.get(f"/deliveries/{failed.code}/").content.decode()
    assert "Tweede poging. Vorige keer mislukt: Niemand thuis, buren weg" in html
    # Back in the warehouse and on a new list: packed before, to be marked packed again.
    assert "Dit pakket is al eerder ingepakt" in html
    assert "Tweede poging" not in warehouse_client.get(
        f"/deliveries/{other.code}/").content.decode()

    # A third time: the attempt is counted, the latest reason given.
    pick_lists.pack(pick_list=again, user=warehouse_user)
    third = back_on_a_new_list(failed, warehouse, warehouse_user, "Verkeerd adres opgegeven")
    _pages, text = pdf_text(warehouse_client.get(f"/pick-lists/{third.pk}/delivery-slips/")
                            .content)
    assert "Poging 3" in text and "Vorige keer mislukt: Verkeerd adres opgegeven" in text
    assert "Niemand thuis" not in text


def test_the_qr_code_opens_the_kits_delivery_page(client, warehouse, warehouse_user,
                                                  coordinator, referrer):
    kits, pick_list = packed_list(warehouse, warehouse_user, coordinator, referrer, 2)
    client.force_login(warehouse_user)
    slips = client.get(f"/pick-lists/{pick_list.pk}/delivery-slips/").content
    urls = [codes[0] for codes in decoded_qr_codes(slips)]
    assert urls == [f"{settings.SITE_URL}/deliveries/{kit.code}/" for kit in kits]

    path = urls[0].removeprefix(settings.SITE_URL)
    page = client.get(path)
    assert page.status_code == 200
    assert page.context["referral"] == kits[0]
    html = page.content.decode()
    assert "Achternaam0" in html and "06 12345678" in html
    assert f'action="/referrals/{kits[0].code}/deliver/"' in html
    # The typed code still works, however it is typed.
    typed = client.get("/deliveries/", {"code": kits[1].code.lower().replace("-", " ")})
    assert typed.context["referral"] == kits[1]

    # A phone that is not logged in goes through the login, and back to the kit.
    client.logout()
    answer = client.get(path)
    assert answer.status_code == 302
    assert answer["Location"] == f"/accounts/login/?next={path}"
    # Another warehouse's volunteer, or a nurse, does not get the kit.
    client.force_login(UserFactory(role=Role.WAREHOUSE, organisation=WarehouseFactory()))
    other = client.get(path)
    assert other.context["referral"] is None and other.context["find"].errors["code"]
    assert "Achternaam0" not in other.content.decode()
    client.force_login(referrer)
    assert client.get(path).status_code == 403
    # Not a code: no page.
    client.force_login(warehouse_user)
    assert client.get("/deliveries/BSP-26-1/").status_code == 404


# The route sheet


POSTCODES = ["3584 CS", "1012 AB", "3511 ZZ", "3511 AA"]


@pytest.fixture
def route(warehouse, warehouse_user, coordinator, referrer):
    """Four kits on a list, most urgent first, which is not the postcode order; one with notes,
    each with its own phone number."""
    referrals = []
    for number, postcode in enumerate(POSTCODES):
        (referral,) = approved_kits(
            warehouse, coordinator, referrer, 1, postcode=postcode, street=f"Straat{number}",
            house_number=number + 1, parent_last_name=f"Achternaam{number}",
            phone=phonenumbers.parse(f"061234567{number}", "NL"), incomes=INCOME,
            due_date=timezone.localdate() + datetime.timedelta(days=100 + number),
            delivery_notes="Achterom via de steeg, hond blaft maar bijt niet." if number == 2
            else "")
        referrals.append(referral)
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    return referrals, pick_list


def test_the_route_sheet_lists_the_kits_in_postcode_order(warehouse_client, warehouse,
                                                          warehouse_user, route):
    referrals, pick_list = route
    answer = warehouse_client.get(f"/pick-lists/{pick_list.pk}/route-sheet/")
    assert answer["Content-Type"] == "application/pdf" and "no-store" in answer["Cache-Control"]
    assert answer["Content-Disposition"] == (
        f'inline; filename="route-sheet-{warehouse.code}-{pick_list.number}.pdf"')
    pages, text = pdf_text(answer.content)
    assert pages == 1
    by_postcode = sorted(referrals, key=lambda referral: referral.postcode)
    assert [r.postcode for r in by_postcode] == ["1012 AB", "3511 AA", "3511 ZZ", "3584 CS"]
    assert CODE.findall(text) == [referral.code for referral in by_postcode]
    assert re.findall(r"\d{4} [A-Z]{2}", text) == [r.postcode for r in by_postcode]
    for referral in referrals:
        assert f"{referral.street} {referral.house_number}" in text
        assert referral.phone.as_national in text
    assert "Achterom via de steeg, hond blaft maar bijt niet." in text
    assert "Routelijst bij paklijst" in text and "4 adressen" in text
    # No names, nothing of the income.
    for hidden in ("Achternaam", "Samira", *INCOME_TEXTS):
        assert hidden not in text, hidden
    # Each kit on it is in the audit trail, with its list.
    reads = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=warehouse_user,
                                    additional_data__what=audit.ROUTE_SHEET_PRINTED)
    assert sorted(int(entry.object_pk) for entry in reads) == sorted(r.pk for r in referrals)
    assert {entry.additional_data["pick_list"] for entry in reads} == {str(pick_list.pk)}
    # The list's page offers it.
    detail = warehouse_client.get(f"/pick-lists/{pick_list.pk}/").content.decode()
    assert f'href="/pick-lists/{pick_list.pk}/route-sheet/"' in detail


def test_the_route_sheet_leaves_out_kits_delivered_or_off_the_list(
        warehouse_client, warehouse_user, route):
    referrals, pick_list = route
    pick_lists.pack(pick_list=pick_list, user=warehouse_user)
    pick_lists.record_delivery(referral=referrals[1], user=warehouse_user)
    pick_lists.record_failed_delivery(referral=referrals[0], user=warehouse_user,
                                      reason="Niemand thuis")
    _pages, text = pdf_text(warehouse_client.get(
        f"/pick-lists/{pick_list.pk}/route-sheet/").content)
    assert CODE.findall(text) == [referrals[3].code, referrals[2].code]  # 3511 AA, 3511 ZZ

    for referral in referrals[2:]:
        pick_lists.record_delivery(referral=referral, user=warehouse_user)
    nothing = warehouse_client.get(f"/pick-lists/{pick_list.pk}/route-sheet/", follow=True)
    assert nothing.redirect_chain == [(f"/pick-lists/{pick_list.pk}/", 302)]
    assert "Elk pakket op deze lijst is bezorgd" in nothing.content.decode()


def test_the_route_sheet_through_the_api_is_throttled_and_scoped(
        token_client, warehouse_user, coordinator, route):
    referrals, pick_list = route
    api = token_client(warehouse_user)
    url = f"/api/v1/pick-lists/{pick_list.pk}/route-sheet/"
    answer = api.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    _pages, text = pdf_text(answer.content)
    assert CODE.findall(text) == [r.code for r in sorted(referrals, key=lambda r: r.postcode)]
    assert LogEntry.objects.filter(additional_data__what=audit.ROUTE_SHEET_PRINTED).count() == 4

    stranger = token_client(UserFactory(role=Role.WAREHOUSE, organisation=WarehouseFactory()))
    assert stranger.get(url).status_code == 404
    assert token_client(UserFactory(role=Role.REFERRER)).get(url).status_code in (403, 404)
    assert token_client(coordinator).get(url).status_code == 200

    cache.clear()
    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = {**original, "documents": "2/minute"}
    try:
        # One rate for all documents: the pick list counts towards it too.
        statuses = [api.get(f"/api/v1/pick-lists/{pick_list.pk}/pdf/").status_code,
                    api.get(url).status_code, api.get(url).status_code]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original
        cache.clear()
    assert statuses == [200, 200, 429]


# 12. A kit packed before says so on the list's page, as on paper


def test_a_kit_packed_before_says_so_on_the_lists_page(warehouse_client, warehouse,
                                                       warehouse_user, coordinator, referrer):
    (failed, _delivered), _ = packed_list(warehouse, warehouse_user, coordinator, referrer, 2)
    (fresh,) = approved_kits(warehouse, coordinator, referrer, 1)
    again = back_on_a_new_list(failed, warehouse, warehouse_user, "Niemand thuis")
    assert {entry.referral_id for entry in again.entries.all()} == {failed.pk, fresh.pk}

    page = warehouse_client.get(f"/pick-lists/{again.pk}/")
    said = "Eerder ingepakt: neem de ingepakte doos, niets verzamelen."
    html = page.content.decode()
    assert page.context["packed_before"] == {failed.code}
    assert html.count(said) == 1
    # In the failed kit's row: after its code, before the next row.
    row = html[html.index(f">{failed.code}<"):]
    assert said in row[:row.index("</tr>")]
    # As the paper says.
    _pages, text = pdf_text(warehouse_client.get(f"/pick-lists/{again.pk}/pdf/").content)
    assert f"Eerder ingepakt: neem de ingepakte doos met code {failed.code}" in " ".join(
        text.split())

    # Once marked packed, the status says it; the note is for what is still to do.
    pick_lists.pack(pick_list=again, user=warehouse_user)
    assert said not in warehouse_client.get(f"/pick-lists/{again.pk}/").content.decode()


# The slip's layout: the new lines never push it onto a second page, and the link still scans


def crowded_slip(**changes):
    lines = tuple(Line(f"ITEM-{n:02d}", f"Artikel {n:02d}, rompertje korte mouw maat 50/56",
                       "stuks", 2) for n in range(40))
    values = {
        "code": "BSP-2026-00077",
        "recipient": ("Małgorzata Grzegorczyk-Brzęczyszczykiewicz van der Meer-de Groot "
                      "Ağaoğlu Popescu Țăranu")[:100],
        "address_lines": ("Burgemeester van Nispenstraat 250-3 hoog achter", "1234 AB Purmerend"),
        "phone": "06 12345678", "language": "Pools",
        "delivery_notes": ("Derde verdieping, de lift is vaak kapot; bel aan bij de buren. "
                           * 20)[:1000],
        "kit_type": "Vervolgpakket maat 74/80–86/92", "babies": 3, "lines": lines,
        "deliver_by": datetime.date(2026, 5, 12), "attempt": 3,
        "failed_reason": ("Niemand thuis; de buren zeggen dat de familie op vakantie is. " * 20)
        [:1000],
        "delivery_url": "https://babystartpakket-amsterdam-noord.example.org/deliveries/"
                        "BSP-2026-00077/",
    }
    return Slip(**{**values, **changes})


@pytest.mark.parametrize("changes", [
    pytest.param({}, id="everything-long"),
    pytest.param({"failed_reason": "", "attempt": 2}, id="second-without-reason"),
    pytest.param({"delivery_notes": "", "lines": ()}, id="little-else"),
])
def test_a_crowded_slip_of_a_later_attempt_still_fits_one_page_and_scans(changes):
    slip = crowded_slip(**changes)
    content = SlipsContent(
        foundation="Stichting Babystartpakketten voor Amsterdam-Noord, Zaanstad, Purmerend "
                   "en Waterland", contact_line="Stichting Babystart · 020 123 4567",
        warehouse="Magazijn Noord", slips=(slip,), pick_list_number=12,
        printed_on=datetime.date(2026, 3, 9))
    with translation.override("en"):
        pdf = render_delivery_slips(content)
    pages, text = pdf_text(pdf)
    text = " ".join(text.split())
    assert pages == 1
    assert "Deliver by 12 May 2026" in text
    assert ("Attempt 3" if slip.attempt == 3 else "Second attempt") in text
    if slip.failed_reason:
        assert "Last time it failed: Niemand thuis; de buren zeggen" in text
    assert "Received by (name)" in text and "Pick list 12 · slip 1/1" in text
    assert decoded_qr_codes(pdf) == [[slip.delivery_url]]


def test_slips_and_route_sheet_take_the_same_queries_however_many_kits(
        warehouse_client, warehouse, warehouse_user, coordinator, referrer):
    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            assert warehouse_client.get(path).status_code == 200
        return len(captured)

    def documents(pick_list):
        return [queries(f"/pick-lists/{pick_list.pk}/{document}/")
                for document in ("delivery-slips", "route-sheet", "pdf")]

    (failed,), small = packed_list(warehouse, warehouse_user, coordinator, referrer, 1)
    before = documents(small)
    approved_kits(warehouse, coordinator, referrer, 5)
    big = back_on_a_new_list(failed, warehouse, warehouse_user, "Niemand thuis")
    assert big.entries.count() == 6
    assert documents(big) == before
    (fresh,) = approved_kits(warehouse, coordinator, referrer, 1)
    assert queries(f"/deliveries/{failed.code}/") == queries(f"/deliveries/{fresh.code}/")


def test_a_route_sheet_for_a_list_of_the_usual_size_is_one_page():
    """20 kits (a new list's default), long Dutch street names, notes on half of them, a
    foreign phone number now and then: one sheet, nothing cut."""
    streets = ["Burgemeester van Nispenstraat 250-3", "Kerkstraat 12",
               "Amsterdamsestraatweg 310 bis", "Admiraal de Ruijterweg 1012 hs"]
    cities = ["Amsterdam", "'s-Hertogenbosch", "Utrecht", "Purmerend"]
    notes = ["", "Liefst na 15.00 uur.", "",
             "Derde verdieping, de lift is vaak kapot; bel aan bij de buren op nummer 14."]
    stops = tuple(Stop(f"BSP-2026-{n:05d}", f"{1000 + 7 * n} AB", cities[n % 4], streets[n % 4],
                       "+48 123 456 789" if n % 6 == 0 else "06 12345678", notes[n % 4])
                  for n in range(DEFAULT_PACKAGES))
    with translation.override("nl"):
        pdf = render_route_sheet(RouteSheetContent("Magazijn Noord", 12, datetime.date(2026, 3, 9),
                                                   stops))
    pages, text = pdf_text(pdf)
    assert pages == 1
    assert ELLIPSIS not in text
    flat = " ".join(text.split())
    assert all(f"{stop.address_line}, {stop.city}" in flat for stop in stops)
    assert flat.count("+48 123 456 789") == 4
    assert flat.count("bel aan bij de buren op nummer 14.") == 5
