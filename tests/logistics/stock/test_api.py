"""The stock API (DESIGN §7.2): kit types, levels, receipts; volunteers act on their own
warehouse only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from logistics.models import KitType, MovementKind, StockLevel, StockMovement
from logistics.stock import services as stock
from startpakket.roles import Role
from tests.factories import ItemFactory, UserFactory, WarehouseFactory, kit_with

pytestmark = pytest.mark.django_db

RECEIPTS = "/api/v1/stock/receipts/"


@pytest.fixture
def other_warehouse():
    return WarehouseFactory()


@pytest.fixture
def romper():
    return ItemFactory(sku="TEST-ROMPER", name="Test romper", low_stock_level=5)


def on_hand(item, warehouse):
    level = StockLevel.objects.filter(item=item, warehouse=warehouse).first()
    return level.on_hand if level else 0


@pytest.mark.parametrize("role", [Role.REFERRER, Role.WAREHOUSE, Role.COORDINATOR])
def test_everyone_sees_the_active_kit_types_with_their_contents(token_client, role):
    KitType.objects.update(is_active=False)
    romper, towel = ItemFactory(), ItemFactory()
    kit_with([(romper, 3, True), (towel, 1)], code="test-kit", name="Testpakket")
    kit_with([(towel, 1)], code="old-kit", is_active=False)

    response = token_client(UserFactory(role=role)).get("/api/v1/kit-types/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (kit,) = body["results"]
    assert kit["code"] == "test-kit"
    assert sorted(kit["components"], key=lambda c: c["item"]) == sorted([
        {"item": romper.sku, "name": romper.name, "unit": "piece", "quantity": 3,
         "per_baby": True},
        {"item": towel.sku, "name": towel.name, "unit": "piece", "quantity": 1,
         "per_baby": False},
    ], key=lambda c: c["item"])


def test_kit_types_need_credentials(api_client):
    assert api_client.get("/api/v1/kit-types/").status_code == 401


def test_a_volunteer_sees_only_their_own_warehouse(token_client, warehouse_user, warehouse,
                                                   other_warehouse, romper, coordinator):
    stock.receive(warehouse=warehouse, lines={romper: 3}, user=coordinator)
    stock.receive(warehouse=other_warehouse, lines={romper: 40}, user=coordinator)

    body = token_client(warehouse_user).get("/api/v1/stock/?item=TEST-ROMPER").json()

    assert body["results"] == [{
        "item": "TEST-ROMPER", "item_name": "Test romper", "warehouse": warehouse.code,
        "on_hand": 3, "reserved": 0, "available": 3, "low": True,
    }]
    response = token_client(warehouse_user).get(f"/api/v1/stock/?warehouse={other_warehouse.code}")
    assert response.status_code == 400
    assert "warehouse" in response.json()["errors"]


def test_a_coordinator_sees_every_warehouse_and_filters(token_client, coordinator, warehouse,
                                                       other_warehouse, romper):
    stock.receive(warehouse=other_warehouse, lines={romper: 40}, user=coordinator)
    stock.reserve(kit_type=kit_with([(romper, 2)]), warehouse=other_warehouse, user=coordinator)
    api = token_client(coordinator)

    rows = api.get("/api/v1/stock/?item=TEST-ROMPER").json()["results"]
    by_warehouse = {row["warehouse"]: row for row in rows}
    assert by_warehouse[warehouse.code]["on_hand"] == 0
    assert by_warehouse[warehouse.code]["low"] is True
    other = by_warehouse[other_warehouse.code]
    assert (other["on_hand"], other["reserved"], other["available"], other["low"]) == (
        40, 2, 38, False)

    rows = api.get(f"/api/v1/stock/?warehouse={other_warehouse.code}&low=false").json()["results"]
    assert [row["item"] for row in rows] == ["TEST-ROMPER"]
    assert api.get("/api/v1/stock/?low=maybe").status_code == 400
    assert api.get("/api/v1/stock/?warehouse=%00").status_code == 400
    assert api.get("/api/v1/stock/?item=%00").status_code == 400
    response = api.get("/api/v1/stock/?item=NOPE", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.json()["errors"]) == (
        400, {"item": ["Unknown code: NOPE."]})


def test_referrers_see_no_stock(token_client, referrer):
    assert token_client(referrer).get("/api/v1/stock/").status_code == 403
    assert token_client(referrer).post(RECEIPTS, {}, format="json").status_code == 403


def test_the_stock_list_costs_the_same_queries_for_more_items(token_client, coordinator,
                                                              warehouse):
    api = token_client(coordinator)
    ItemFactory.create_batch(2)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert api.get("/api/v1/stock/?page_size=200").status_code == 200
        return len(context.captured_queries)

    # The first request in a process also reads what it keeps (reference_data).
    queries()
    few = queries()
    for item in ItemFactory.create_batch(30):
        stock.receive(warehouse=warehouse, lines={item: 2}, user=coordinator)
    WarehouseFactory.create_batch(3)
    assert queries() == few


def test_a_volunteer_receives_goods(token_client, warehouse_user, warehouse, romper):
    other = ItemFactory()
    response = token_client(warehouse_user).post(RECEIPTS, {
        "warehouse": warehouse.code,
        "lines": [{"item": romper.sku, "quantity": 12}, {"item": other.sku, "quantity": 3}],
        "note": "Donatie van de kerk",
    }, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["warehouse"] == warehouse.code
    assert sorted((line["item"], line["quantity"]) for line in body["lines"]) == sorted(
        [(romper.sku, 12), (other.sku, 3)])
    assert all(line["created_by"] == warehouse_user.username for line in body["lines"])
    assert on_hand(romper, warehouse) == 12
    movement = StockMovement.objects.get(item=romper)
    assert (movement.kind, movement.created_by, movement.note) == (
        MovementKind.RECEIPT, warehouse_user, "Donatie van de kerk")


def test_a_volunteer_cannot_receive_into_another_warehouse(token_client, warehouse_user,
                                                           other_warehouse, romper):
    response = token_client(warehouse_user).post(RECEIPTS, {
        "warehouse": other_warehouse.code, "lines": [{"item": romper.sku, "quantity": 1}],
    }, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"] == {"warehouse": [f"Unknown code: {other_warehouse.code}."]}
    assert not StockMovement.objects.exists()


def test_a_coordinator_receives_into_any_warehouse(token_client, coordinator, other_warehouse,
                                                   romper):
    response = token_client(coordinator).post(RECEIPTS, {
        "warehouse": other_warehouse.code, "lines": [{"item": romper.sku, "quantity": 1}],
    }, format="json")
    assert response.status_code == 201
    assert on_hand(romper, other_warehouse) == 1


DROP = object()


@pytest.mark.parametrize(("body", "field"), [
    ({"warehouse": DROP}, "warehouse"),
    ({"lines": []}, "lines"),
    ({"lines": "many"}, "lines"),
    ({"lines": [{"item": "TEST-ROMPER"}]}, "lines.0.quantity"),
    ({"lines": [{"item": "TEST-ROMPER", "quantity": 0}]}, "lines.0.quantity"),
    ({"lines": [{"item": "TEST-ROMPER", "quantity": -3}]}, "lines.0.quantity"),
    ({"lines": [{"item": "TEST-ROMPER", "quantity": "veel"}]}, "lines.0.quantity"),
    ({"lines": [{"item": "TEST-ROMPER", "quantity": 1.5}]}, "lines.0.quantity"),
    ({"lines": [{"item": "TEST-ROMPER", "quantity": 10**9}]}, "lines.0.quantity"),
    ({"lines": [{"item": "TEST-ROMPER", "quantity": 1}, {"item": "NOPE", "quantity": 1}]},
     "lines.1.item"),
    ({"lines": [{"item": 42, "quantity": 1}]}, "lines.0.item"),
    ({"note": "x" * 501}, "note"),
    ({"warehouse": ["a"]}, "warehouse"),
    ({"warehouse": "magazijn\u0000"}, "warehouse"),
    ({"lines": [{"item": "TEST\u0000", "quantity": 1}]}, "lines.0.item"),
    ({"lines": [{"item": "TEST-ROMPER", "quantity": 60_000},
                {"item": "TEST-ROMPER", "quantity": 60_000}]}, "lines"),
])
def test_bad_receipts_get_field_errors_and_write_nothing(token_client, warehouse_user, warehouse,
                                                         romper, body, field):
    payload = {"warehouse": warehouse.code, "lines": [{"item": romper.sku, "quantity": 1}]}
    payload.update(body)
    payload = {key: value for key, value in payload.items() if value is not DROP}
    response = token_client(warehouse_user).post(RECEIPTS, payload, format="json")
    assert response.status_code == 400, response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"], response.json()
    assert not StockMovement.objects.exists()
    assert on_hand(romper, warehouse) == 0


def test_a_receipt_of_an_inactive_item_is_refused(token_client, coordinator, warehouse, romper):
    romper.is_active = False
    romper.save(update_fields=["is_active"])
    response = token_client(coordinator).post(RECEIPTS, {
        "warehouse": warehouse.code, "lines": [{"item": romper.sku, "quantity": 1}],
    }, format="json")
    assert response.status_code == 400
    assert "lines.0.item" in response.json()["errors"]


def test_the_api_books_the_same_receipt_twice_without_asking(token_client, warehouse_user,
                                                              warehouse, romper):
    # A program has no one to ask "book it again?"; the pages ask (test_back_button.py).
    body = {"warehouse": warehouse.code, "lines": [{"item": romper.sku, "quantity": 12}]}
    api = token_client(warehouse_user)
    assert api.post(RECEIPTS, body, format="json").status_code == 201
    assert api.post(RECEIPTS, body, format="json").status_code == 201
    assert on_hand(romper, warehouse) == 24


def test_a_retried_receipt_with_the_same_idempotency_key_is_booked_once(
        token_client, warehouse_user, warehouse, romper):
    body = {"warehouse": warehouse.code, "lines": [{"item": romper.sku, "quantity": 12}]}
    api = token_client(warehouse_user)
    first = api.post(RECEIPTS, body, format="json", HTTP_IDEMPOTENCY_KEY="pallet-7")
    again = api.post(RECEIPTS, body, format="json", HTTP_IDEMPOTENCY_KEY="pallet-7")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert on_hand(romper, warehouse) == 12
    other = api.post(RECEIPTS, {**body, "note": "other"}, format="json",
                     HTTP_IDEMPOTENCY_KEY="pallet-7")
    assert other.status_code == 422 and on_hand(romper, warehouse) == 12
