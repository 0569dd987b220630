"""The pick list and delivery API (DESIGN §7.2), through a real client with a token."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.utils import timezone

from logistics.distribution import services as pick_lists
from logistics.models import MovementKind, PickList, ReferralStatus, StockMovement
from startpakket import audit
from startpakket.roles import Role
from tests.factories import UserFactory, WarehouseFactory
from tests.helpers import (
    approved_kits,
    decoded_qr_codes,
    kit_requirements,
    pdf_text,
)

pytestmark = pytest.mark.django_db
S = ReferralStatus


@pytest.fixture
def three(warehouse, coordinator, referrer):
    return approved_kits(warehouse, coordinator, referrer, 3)


def test_a_volunteer_makes_packs_prints_and_delivers(token_client, warehouse_user, warehouse,
                                                     three):
    api = token_client(warehouse_user)

    made = api.post("/api/v1/pick-lists/", {"warehouse": warehouse.code, "max_packages": 2},
                    format="json")
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["number"] == 1 and body["warehouse"] == warehouse.code
    assert body["referrals"] == [three[0].code, three[1].code]
    assert [p["status"] for p in body["packages"]] == ["scheduled", "scheduled"]

    listing = api.get("/api/v1/pick-lists/").json()
    assert [row["id"] for row in listing["results"]] == [body["id"]]

    pdf = api.get(f"/api/v1/pick-lists/{body['id']}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'inline; filename="pick-list-{warehouse.code}-1.pdf"'
    assert "no-store" in pdf["Cache-Control"]
    _, text = pdf_text(pdf.content)
    assert three[0].code in text and three[1].code in text and three[2].code not in text
    for name in ("Samira", "Achternaam0", "Dorpsstraat", "3511", "06 1234"):
        assert name not in text

    slips = api.get(f"/api/v1/pick-lists/{body['id']}/delivery-slips/")
    assert slips.status_code == 200
    assert slips["Content-Disposition"] == (
        f'inline; filename="delivery-slips-{warehouse.code}-1.pdf"')
    pages, text = pdf_text(slips.content)
    assert pages == 2
    for shown in (three[0].code, "Achternaam0", "Achternaam1", "Dorpsstraat 12", "3511 AB",
                  "Utrecht", "06 12345678"):
        assert shown in text
    for hidden in ("1200", "wages", "loon"):
        assert hidden not in text
    # Each slip's QR code, read from the rendered page, opens its kit's delivery page.
    assert decoded_qr_codes(slips.content) == [
        [f"{settings.SITE_URL}/deliveries/{three[0].code}/"],
        [f"{settings.SITE_URL}/deliveries/{three[1].code}/"]]
    reads = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=warehouse_user,
                                    additional_data__what=audit.SLIP_PRINTED)
    assert sorted(int(entry.object_pk) for entry in reads) == sorted(
        [three[0].pk, three[1].pk])
    assert {entry.additional_data["pick_list"] for entry in reads} == {str(body["id"])}

    packed = api.post(f"/api/v1/pick-lists/{body['id']}/packed/",
                      {"referrals": [three[1].code]}, format="json")
    assert packed.status_code == 200, packed.json()
    assert packed.json()["packed"] == [three[1].code]
    everything = api.post(f"/api/v1/pick-lists/{body['id']}/packed/", {}, format="json")
    assert everything.json()["packed"] == [three[0].code]
    assert [p["status"] for p in everything.json()["packages"]] == ["packed", "packed"]
    assert StockMovement.objects.filter(kind=MovementKind.ISSUE).count() == (
        2 * len(kit_requirements()))

    delivered = api.post(f"/api/v1/referrals/{three[0].code}/deliver/", {}, format="json")
    assert delivered.status_code == 200, delivered.json()
    assert delivered.json() == {"code": three[0].code, "status": "delivered",
                                "delivered_on": timezone.localdate().isoformat()}
    failed = api.post(f"/api/v1/referrals/{three[1].code}/delivery-failed/",
                      {"reason": "Niemand thuis"}, format="json")
    assert failed.status_code == 200 and failed.json()["status"] == "delivery_failed"
    # Delivered: out of the volunteer's sight now.
    assert api.get(f"/api/v1/referrals/{three[0].code}/").status_code == 404


def test_bad_input_gets_field_errors_and_writes_nothing(token_client, warehouse_user, warehouse,
                                                        three):
    api = token_client(warehouse_user)
    for body, field in [
        ({}, "warehouse"),
        ({"warehouse": "nergens"}, "warehouse"),
        ({"warehouse": warehouse.code, "max_packages": 0}, "max_packages"),
        ({"warehouse": warehouse.code, "max_packages": 501}, "max_packages"),
        ({"warehouse": warehouse.code, "max_packages": "veel"}, "max_packages"),
    ]:
        answer = api.post("/api/v1/pick-lists/", body, format="json")
        assert answer.status_code == 400, body
        assert answer["Content-Type"] == "application/problem+json"
        assert field in answer.json()["errors"], body
    assert not PickList.objects.exists()

    pick_list = api.post("/api/v1/pick-lists/", {"warehouse": warehouse.code},
                         format="json").json()
    for body in [{"referrals": []}, {"referrals": ["BSP-1999-00001"]}, {"referrals": "alles"},
                 {"referrals": ["x" * 200]}]:
        answer = api.post(f"/api/v1/pick-lists/{pick_list['id']}/packed/", body, format="json")
        assert answer.status_code == 400, body
        assert {key.split(".")[0] for key in answer.json()["errors"]} == {"referrals"}, body
    assert not StockMovement.objects.filter(kind=MovementKind.ISSUE).exists()

    code = three[0].code
    api.post(f"/api/v1/pick-lists/{pick_list['id']}/packed/", {}, format="json")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    for body, field in [({"delivered_on": tomorrow}, "delivered_on"),
                        ({"delivered_on": "31-02-2026"}, "delivered_on"),
                        ({"delivered_on": "gisteren"}, "delivered_on")]:
        answer = api.post(f"/api/v1/referrals/{code}/deliver/", body, format="json")
        assert answer.status_code == 400 and field in answer.json()["errors"], body
    answer = api.post(f"/api/v1/referrals/{code}/delivery-failed/", {"reason": ""},
                      format="json")
    assert answer.status_code == 400 and "reason" in answer.json()["errors"]
    three[0].refresh_from_db()
    assert three[0].status == S.PACKED


def test_nothing_waiting_is_a_conflict(token_client, warehouse_user, warehouse):
    answer = token_client(warehouse_user).post("/api/v1/pick-lists/",
                                               {"warehouse": warehouse.code}, format="json")
    assert answer.status_code == 409
    assert answer["Content-Type"] == "application/problem+json"
    assert warehouse.name in answer.json()["detail"]


def test_delivering_what_is_not_packed_is_a_conflict(token_client, warehouse_user, three):
    answer = token_client(warehouse_user).post(f"/api/v1/referrals/{three[0].code}/deliver/",
                                               {}, format="json")
    assert answer.status_code == 409


def test_another_warehouses_volunteer_sees_nothing(token_client, warehouse, warehouse_user,
                                                   three):
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    pick_lists.pack(pick_list=pick_list, user=warehouse_user)
    stranger = UserFactory(role=Role.WAREHOUSE, organisation=WarehouseFactory())
    api = token_client(stranger)
    base = f"/api/v1/pick-lists/{pick_list.pk}"
    for path in (f"{base}/", f"{base}/pdf/", f"{base}/delivery-slips/",
                 f"/api/v1/referrals/{three[0].code}/delivery-slip/"):
        assert api.get(path).status_code == 404, path
    assert api.post(f"{base}/packed/", {}, format="json").status_code == 404
    assert api.post(f"/api/v1/referrals/{three[0].code}/deliver/", {},
                    format="json").status_code == 404
    assert api.post(f"/api/v1/referrals/{three[0].code}/delivery-failed/", {"reason": "x"},
                    format="json").status_code == 404
    # Nor may they make a list for it.
    answer = api.post("/api/v1/pick-lists/", {"warehouse": warehouse.code}, format="json")
    assert answer.status_code == 400 and "warehouse" in answer.json()["errors"]
    assert api.get("/api/v1/pick-lists/").json()["results"] == []
    assert not LogEntry.objects.filter(actor=stranger, action=LogEntry.Action.ACCESS).exists()


def test_referrers_have_no_business_here(token_client, referrer, warehouse, three):
    api = token_client(referrer)
    assert api.post("/api/v1/pick-lists/", {"warehouse": warehouse.code},
                    format="json").status_code == 403
    assert api.post(f"/api/v1/referrals/{three[0].code}/deliver/", {},
                    format="json").status_code == 403


def test_a_coordinator_prints_one_slip_and_cancels_with_return(token_client, coordinator,
                                                               warehouse, warehouse_user, three):
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    pick_lists.pack(pick_list=pick_list, user=warehouse_user)
    api = token_client(coordinator)

    slip = api.get(f"/api/v1/referrals/{three[2].code}/delivery-slip/",
                   HTTP_ACCEPT="application/pdf")
    assert slip.status_code == 200
    assert slip["Content-Disposition"] == f'inline; filename="delivery-slip-{three[2].code}.pdf"'
    pages, text = pdf_text(slip.content)
    assert pages == 1 and three[2].code in text and three[0].code not in text

    cancelled = api.post(f"/api/v1/referrals/{three[2].code}/cancel/",
                         {"reason": "Verhuisd", "return_to_stock": True}, format="json")
    assert cancelled.status_code == 200, cancelled.json()
    returns = StockMovement.objects.filter(kind=MovementKind.RETURN)
    assert sum(m.quantity for m in returns) == sum(kit_requirements().values())
    # No slip for a cancelled kit: a conflict, as JSON even to a client asking for PDF.
    again = api.get(f"/api/v1/referrals/{three[2].code}/delivery-slip/",
                    HTTP_ACCEPT="application/pdf")
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"


def test_taking_kits_off_a_list(token_client, warehouse_user, warehouse, three):
    api = token_client(warehouse_user)
    pick_list = api.post("/api/v1/pick-lists/", {"warehouse": warehouse.code},
                         format="json").json()
    url = f"/api/v1/pick-lists/{pick_list['id']}/take-off/"
    for body in [{}, {"referrals": []}, {"referrals": ["BSP-1999-00001"]}]:
        answer = api.post(url, body, format="json")
        assert answer.status_code == 400, body
    answer = api.post(url, {"referrals": [three[2].code]}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["taken_off"] == [three[2].code]
    assert answer.json()["referrals"] == [three[0].code, three[1].code]
    three[2].refresh_from_db()
    assert three[2].status == S.APPROVED


def test_a_repeated_delivered_says_it_was_recorded_not_404(token_client, warehouse_user,
                                                           warehouse, three):
    """As the page does (``distribution.views._record``): the first "delivered" took the kit
    out of the volunteer's sight, and a retry is told so (409 ``already_delivered``)."""
    api = token_client(warehouse_user)
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    pick_lists.pack(pick_list=pick_list, user=warehouse_user)
    code = three[0].code
    assert api.post(f"/api/v1/referrals/{code}/deliver/", {}, format="json").status_code == 200
    for action, body in [("deliver", {}), ("delivery-failed", {"reason": "Niet thuis"})]:
        again = api.post(f"/api/v1/referrals/{code}/{action}/", body, format="json")
        assert again.status_code == 409, again.json()
        assert again["Content-Type"] == "application/problem+json"
        assert again.json()["code"] == "already_delivered"
        assert again.json()["detail"] == f"{code} was al vastgelegd als bezorgd."
    # Still nothing to see of it, and another warehouse's volunteer still gets a 404.
    assert api.get(f"/api/v1/referrals/{code}/").status_code == 404
    other = token_client(UserFactory(role=Role.WAREHOUSE, organisation=WarehouseFactory()))
    assert other.post(f"/api/v1/referrals/{code}/deliver/", {},
                      format="json").status_code == 404
    three[0].refresh_from_db()
    assert three[0].status == S.DELIVERED


def test_the_schema_documents_the_already_delivered_conflict():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    conflict = schema["paths"]["/api/v1/referrals/{code}/deliver/"]["post"]["responses"]["409"]
    assert "already_delivered" in conflict["description"]
