"""The warehouse's pages: pick lists, packing, printing and recording deliveries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from logistics.distribution import services as pick_lists
from logistics.distribution.forms import parse_code
from logistics.models import MovementKind, PickList, ReferralStatus, StockMovement
from startpakket.roles import Role
from tests.factories import UserFactory, WarehouseFactory
from tests.helpers import approved_kits, field_descriptions, kit_requirements, pdf_text

pytestmark = pytest.mark.django_db
S = ReferralStatus


def _make_form(client):
    page = client.get("/pick-lists/")
    assert page.status_code == 200
    return page.context["form"]


def test_a_volunteer_makes_a_list_on_the_page_and_a_double_click_makes_one(
        warehouse_client, warehouse, coordinator, referrer):
    referrals = approved_kits(warehouse, coordinator, referrer, 3)
    page = warehouse_client.get("/pick-lists/")
    html = page.content.decode()
    assert f"{warehouse.name}: 3 pakketten wachten op een lijst." in html
    form = page.context["form"]
    data = {"warehouse": warehouse.pk, "max_packages": 2, "token": form["token"].value()}

    first = warehouse_client.post("/pick-lists/", data)
    again = warehouse_client.post("/pick-lists/", data)

    pick_list = PickList.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == f"/pick-lists/{pick_list.pk}/"
    assert [e.referral_id for e in pick_list.entries.order_by("position")] == [
        referrals[0].pk, referrals[1].pk]
    detail = warehouse_client.get(f"/pick-lists/{pick_list.pk}/").content.decode()
    assert referrals[0].code in detail and referrals[2].code not in detail
    # The page shows codes, never names.
    assert "Achternaam0" not in detail


@pytest.mark.parametrize(("value", "message"), [
    ("", "Dit veld is vereist."),
    ("0", "Zorg ervoor dat deze waarde minstens 1 is."),
    ("999", "Zorg ervoor dat deze waarde hoogstens 500 is."),
    ("veel", "Voer een geheel getal in."),
])
def test_the_make_form_shows_errors_at_the_field(warehouse_client, warehouse, value, message):
    form = _make_form(warehouse_client)
    # Pages are Dutch whatever the browser asks for (startpakket.middleware).
    page = warehouse_client.post("/pick-lists/", {
        "warehouse": warehouse.pk, "max_packages": value, "token": form["token"].value(),
        "language": "en"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert page.context["form"].errors["max_packages"] == [message]
    assert not PickList.objects.exists()


def test_nothing_waiting_is_said_on_the_form(warehouse_client, warehouse):
    form = _make_form(warehouse_client)
    page = warehouse_client.post("/pick-lists/", {"warehouse": warehouse.pk, "max_packages": 5,
                                                  "token": form["token"].value()})
    assert page.status_code == 200
    assert warehouse.name in " ".join(page.context["form"].non_field_errors())


def test_packing_ticked_kits_then_all_on_the_page(warehouse_client, warehouse, warehouse_user,
                                                  coordinator, referrer):
    referrals = approved_kits(warehouse, coordinator, referrer, 3)
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    url = f"/pick-lists/{pick_list.pk}/packed/"

    nothing = warehouse_client.post(url, {})
    assert nothing.status_code == 200 and nothing.context["pack_form"].errors["referrals"]

    ticked = warehouse_client.post(url, {"referrals": [referrals[1].code]})
    assert ticked.status_code == 302
    statuses = {r.code: r.status for r in referrals[0].__class__.objects.all()}
    assert statuses == {referrals[0].code: S.SCHEDULED, referrals[1].code: S.PACKED,
                        referrals[2].code: S.SCHEDULED}

    everything = warehouse_client.post(url, {"all": "on"}, follow=True)
    assert "2" in " ".join(str(m) for m in everything.context["messages"])
    assert StockMovement.objects.filter(kind=MovementKind.ISSUE).count() == (
        3 * len(kit_requirements()))
    again = warehouse_client.post(url, {"all": "on"}, follow=True)
    assert again.status_code == 200
    assert StockMovement.objects.filter(kind=MovementKind.ISSUE).count() == (
        3 * len(kit_requirements()))


def test_packing_with_nothing_ticked_is_read_out_with_the_tick_boxes(
        warehouse_client, warehouse, warehouse_user, coordinator, referrer):
    approved_kits(warehouse, coordinator, referrer, 2)
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)

    response = warehouse_client.post(f"/pick-lists/{pick_list.pk}/packed/", {})

    error, = response.context["pack_form"].errors["referrals"]
    assert field_descriptions(response.content.decode()) == {"referrals": error}


def test_the_pages_print_both_documents(warehouse_client, warehouse, warehouse_user, coordinator,
                                        referrer):
    referrals = approved_kits(warehouse, coordinator, referrer, 2)
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)

    pdf = warehouse_client.get(f"/pick-lists/{pick_list.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and "no-store" in pdf["Cache-Control"]
    _, text = pdf_text(pdf.content)
    assert all(r.code in text for r in referrals) and "Achternaam" not in text

    slips = warehouse_client.get(f"/pick-lists/{pick_list.pk}/delivery-slips/")
    pages, text = pdf_text(slips.content)
    assert pages == 2 and "Achternaam0" in text and "Dorpsstraat 12" in text

    one = warehouse_client.get(f"/referrals/{referrals[0].code}/delivery-slip/")
    pages, text = pdf_text(one.content)
    assert pages == 1 and "Achternaam0" in text and "Achternaam1" not in text


def test_the_lists_pages_take_the_same_queries_however_many_kits(
        warehouse_client, warehouse, warehouse_user, coordinator, referrer):
    approved_kits(warehouse, coordinator, referrer, 2)
    small = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)

    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            assert warehouse_client.get(path).status_code == 200
        return len(captured)

    before = (queries("/pick-lists/"), queries(f"/pick-lists/{small.pk}/"))
    approved_kits(warehouse, coordinator, referrer, 6)
    big = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    pick_lists.pack(pick_list=big, user=warehouse_user, codes=[big.entries.first().referral.code])
    assert (queries("/pick-lists/"), queries(f"/pick-lists/{big.pk}/")) == before


def test_another_warehouses_volunteer_gets_404_on_every_page(client, warehouse, warehouse_user,
                                                             coordinator, referrer):
    (referral,) = approved_kits(warehouse, coordinator, referrer, 1)
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    client.force_login(UserFactory(role=Role.WAREHOUSE, organisation=WarehouseFactory()))
    for path in (f"/pick-lists/{pick_list.pk}/", f"/pick-lists/{pick_list.pk}/pdf/",
                 f"/pick-lists/{pick_list.pk}/delivery-slips/",
                 f"/referrals/{referral.code}/delivery-slip/"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/pick-lists/{pick_list.pk}/packed/", {"all": "on"}).status_code == 404
    assert client.post(f"/referrals/{referral.code}/deliver/",
                       {"delivered_on": timezone.localdate().isoformat()}).status_code == 404
    found = client.get("/deliveries/", {"code": referral.code})
    assert found.context["referral"] is None and found.context["find"].errors["code"]
    assert referral.code not in client.get("/pick-lists/").content.decode()


@pytest.mark.parametrize(("text", "code"), [
    ("BSP-2026-00042", "BSP-2026-00042"), ("bsp 2026 00042", "BSP-2026-00042"),
    (" bsp202600042 ", "BSP-2026-00042"), ("BSP-2027-123456", "BSP-2027-123456"),
    ("https://example.org/x?code=BSP-2026-00042", "BSP-2026-00042"),
    ("", None), ("2026-00042", None), ("BSP-26-42", None), ("\x00", None),
])
def test_codes_are_read_however_they_are_typed(text, code):
    assert parse_code(text) == code


def test_recording_deliveries_from_the_code_page(warehouse_client, warehouse, warehouse_user,
                                                 coordinator, referrer):
    delivered, failed = approved_kits(warehouse, coordinator, referrer, 2)
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    pick_lists.pack(pick_list=pick_list, user=warehouse_user)

    page = warehouse_client.get("/deliveries/", {"code": delivered.code.lower().replace("-", " ")})
    assert page.context["referral"] == delivered
    html = page.content.decode()
    assert "Achternaam0" in html and f'action="/referrals/{delivered.code}/deliver/"' in html

    future = warehouse_client.post(f"/referrals/{delivered.code}/deliver/",
                                   {"delivered_on": "2999-01-01", "next": "deliveries"})
    assert future.status_code == 200 and future.context["forms"]["deliver"].errors[
        "delivered_on"]
    done = warehouse_client.post(f"/referrals/{delivered.code}/deliver/", {
        "delivered_on": timezone.localdate().isoformat(), "next": "deliveries"})
    assert done.status_code == 302 and done["Location"] == "/deliveries/"

    no_reason = warehouse_client.post(f"/referrals/{failed.code}/delivery-failed/",
                                      {"reason": "", "next": "deliveries"})
    assert no_reason.status_code == 200 and no_reason.context["forms"]["failed"].errors["reason"]
    warehouse_client.post(f"/referrals/{failed.code}/delivery-failed/",
                          {"reason": "Verkeerd adres", "next": "deliveries"})

    delivered.refresh_from_db()
    failed.refresh_from_db()
    assert (delivered.status, delivered.delivered_on) == (S.DELIVERED, timezone.localdate())
    assert failed.status == S.DELIVERY_FAILED
    # The list still shows the delivered kit, but no longer as a link the volunteer can open.
    listing = warehouse_client.get(f"/pick-lists/{pick_list.pk}/").content.decode()
    assert delivered.code in listing
    assert f'href="/referrals/{delivered.code}/"' not in listing
    assert failed.code in listing  # under "left the list"
    # A second tap on "Delivered" says it was done; the kit is no longer the volunteer's to see.
    twice = warehouse_client.post(f"/referrals/{delivered.code}/deliver/",
                                  {"delivered_on": timezone.localdate().isoformat()},
                                  follow=True)
    assert twice.redirect_chain == [("/deliveries/", 302)]
    said = f"{delivered.code} was al vastgelegd als bezorgd."
    assert [str(m) for m in twice.context["messages"]] == [said]
    assert said in twice.content.decode()
    assert "Achternaam0" not in twice.content.decode()
    assert warehouse_client.get(f"/referrals/{delivered.code}/").status_code == 404


def test_the_coordinator_cancels_a_packed_kit_and_returns_its_goods(
        coordinator_client, warehouse, warehouse_user, coordinator, referrer):
    (referral,) = approved_kits(warehouse, coordinator, referrer, 1)
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    pick_lists.pack(pick_list=pick_list, user=warehouse_user)
    page = coordinator_client.get(f"/referrals/{referral.code}/")
    assert "return_to_stock" in page.context["forms"]["cancel"].fields
    assert "deliver" in page.context["forms"]

    coordinator_client.post(f"/referrals/{referral.code}/cancel/",
                            {"reason": "Verhuisd", "return_to_stock": "on"})

    referral.refresh_from_db()
    assert referral.status == S.CANCELLED
    returned = StockMovement.objects.filter(kind=MovementKind.RETURN)
    assert sum(m.quantity for m in returned) == sum(kit_requirements().values())


def test_the_referral_page_names_its_list_and_offers_the_slip_to_whom_may_print(
        client, warehouse, warehouse_user, coordinator, referrer):
    (referral,) = approved_kits(warehouse, coordinator, referrer, 1)
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    slip = f'href="/referrals/{referral.code}/delivery-slip/"'
    for user in (warehouse_user, coordinator):
        client.force_login(user)
        html = client.get(f"/referrals/{referral.code}/").content.decode()
        assert f'href="/pick-lists/{pick_list.pk}/"' in html and slip in html, user
    client.force_login(referrer)
    html = client.get(f"/referrals/{referral.code}/").content.decode()
    assert slip not in html and "/pick-lists/" not in html


def test_taking_ticked_kits_off_the_list_on_the_page(warehouse_client, warehouse, warehouse_user,
                                                     coordinator, referrer):
    referrals = approved_kits(warehouse, coordinator, referrer, 2)
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    url = f"/pick-lists/{pick_list.pk}/take-off/"
    detail = warehouse_client.get(f"/pick-lists/{pick_list.pk}/").content.decode()
    assert f'formaction="{url}"' in detail

    # "all" is for packing only: nothing ticked takes nothing off.
    nothing = warehouse_client.post(url, {"all": "on"})
    assert nothing.status_code == 200 and nothing.context["pack_form"].errors["referrals"]
    assert pick_list.entries.filter(removed_at__isnull=True).count() == 2

    done = warehouse_client.post(url, {"referrals": [referrals[1].code]})
    assert done.status_code == 302
    referrals[1].refresh_from_db()
    assert referrals[1].status == S.APPROVED
    assert [e.referral_id for e in pick_list.entries.filter(removed_at__isnull=True)] == [
        referrals[0].pk]
