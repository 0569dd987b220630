"""The stock pages (DESIGN §7.3): volunteers receive and count from a phone; the ledger shows
who did what and when."""

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from logistics.models import Item, MovementKind, StockLevel, StockMovement
from logistics.stock import services as stock
from tests.factories import ItemFactory, UserFactory, WarehouseFactory, kit_with
from tests.helpers import field_descriptions

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(db):
    Item.objects.update(is_active=False)  # only this test's items on the forms
    return [ItemFactory(sku="TEST-ROMPER", name="Rompertje test", low_stock_level=10),
            ItemFactory(sku="TEST-LUIERS", name="Luiers test", low_stock_level=0)]


def on_hand(item, warehouse):
    level = StockLevel.objects.filter(item=item, warehouse=warehouse).first()
    return level.on_hand if level else 0


def form_token(response) -> str:
    return re.search(r'name="token" value="([0-9a-f-]+)"', response.content.decode())[1]


def count_form(client) -> dict:
    """The hidden fields of a freshly shown count form."""
    page = client.get("/stock/count/").content.decode()
    return {
        "token": re.search(r'name="token" value="([0-9a-f-]+)"', page)[1],
        "ledger_seen": re.search(r'name="ledger_seen" value="(\d+)"', page)[1],
    }


def test_the_receive_form_books_a_delivery(warehouse_client, warehouse_user, warehouse, items):
    page = warehouse_client.get("/stock/receive/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'for="id_item-TEST-ROMPER"' in html and 'inputmode="numeric"' in html
    assert warehouse.name in html  # one warehouse: shown, not asked

    response = warehouse_client.post("/stock/receive/", {
        "warehouse": warehouse.pk, "token": form_token(page),
        "item-TEST-ROMPER": "24", "item-TEST-LUIERS": "", "note": "Donatie Kruidvat",
    }, follow=True)

    assert response.redirect_chain[-1][0] == f"/stock/?warehouse={warehouse.code}"
    assert "Ontvangen: 1 artikel geboekt." in response.content.decode()
    assert on_hand(items[0], warehouse) == 24
    movement = StockMovement.objects.get()
    assert (movement.kind, movement.created_by, movement.note) == (
        MovementKind.RECEIPT, warehouse_user, "Donatie Kruidvat")


def test_submitting_the_same_receive_form_twice_books_once(warehouse_client, warehouse, items):
    token = form_token(warehouse_client.get("/stock/receive/"))
    data = {"warehouse": warehouse.pk, "token": token, "item-TEST-ROMPER": "5"}
    first = warehouse_client.post("/stock/receive/", data)
    second = warehouse_client.post("/stock/receive/", data, follow=True)
    assert first.status_code == 302
    assert "al geboekt" in second.content.decode()
    assert on_hand(items[0], warehouse) == 5
    assert StockMovement.objects.count() == 1


@pytest.mark.parametrize(("data", "field", "message"), [
    ({}, None, "ten minste één artikel"),
    ({"item-TEST-ROMPER": "0"}, "item-TEST-ROMPER", "minstens 1"),
    ({"item-TEST-ROMPER": "-4"}, "item-TEST-ROMPER", "minstens 1"),
    ({"item-TEST-ROMPER": "veel"}, "item-TEST-ROMPER", "geheel getal"),
    ({"item-TEST-ROMPER": "2.5"}, "item-TEST-ROMPER", "geheel getal"),
    ({"item-TEST-ROMPER": "1000001"}, "item-TEST-ROMPER", "hoogstens 100000"),
    ({"item-TEST-ROMPER": "1", "note": "x" * 501}, "note", "500"),
    ({"item-TEST-ROMPER": "1", "token": "not-a-token"}, "token", ""),
])
def test_bad_receive_input_is_shown_next_to_the_field_and_books_nothing(
        warehouse_client, warehouse, items, data, field, message):
    payload = {"warehouse": warehouse.pk, "token": str(uuid.uuid4()), **data}
    response = warehouse_client.post("/stock/receive/", payload)
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.get(field or "__all__")
    assert errors, form.errors
    assert message in " ".join(errors)
    assert not StockMovement.objects.exists()


def test_a_bad_quantity_is_read_out_with_its_field_and_unit(warehouse_client, warehouse, items):
    page = warehouse_client.get("/stock/receive/").content.decode()
    assert field_descriptions(page) == {}  # nothing invalid, and every description exists

    response = warehouse_client.post("/stock/receive/", {
        "warehouse": warehouse.pk, "token": str(uuid.uuid4()), "item-TEST-ROMPER": "veel",
        "item-TEST-LUIERS": "2"})

    described = field_descriptions(response.content.decode())
    assert list(described) == ["item-TEST-ROMPER"]
    unit, error = described["item-TEST-ROMPER"].split(")", 1)
    assert unit == "(stuk" and "geheel getal" in error


def test_a_volunteer_cannot_book_into_another_warehouse(warehouse_client, items):
    other = WarehouseFactory()
    response = warehouse_client.post("/stock/receive/", {
        "warehouse": other.pk, "token": str(uuid.uuid4()), "item-TEST-ROMPER": "3"})
    assert response.status_code == 200
    assert "warehouse" in response.context["form"].errors
    assert not StockMovement.objects.exists()


def test_a_coordinator_chooses_the_warehouse(coordinator_client, items):
    first, second = WarehouseFactory(name="Magazijn Noord"), WarehouseFactory(name="Magazijn Zuid")
    page = coordinator_client.get("/stock/receive/")
    assert "Magazijn Noord" in page.content.decode() and "Magazijn Zuid" in page.content.decode()
    coordinator_client.post("/stock/receive/", {
        "warehouse": second.pk, "token": form_token(page), "item-TEST-LUIERS": "7"})
    assert (on_hand(items[1], first), on_hand(items[1], second)) == (0, 7)


def test_the_count_form_books_the_differences(warehouse_client, warehouse_user, warehouse, items):
    romper, diapers = items
    stock.receive(warehouse=warehouse, lines={romper: 10, diapers: 4}, user=warehouse_user)
    page = warehouse_client.get("/stock/count/").content.decode()
    # A blind count: the booked figures are not in the fields.
    item_inputs = re.findall(r'<input[^>]*name="item-[^"]*"[^>]*>', page)
    assert len(item_inputs) == 2 and not any("value=" in field for field in item_inputs)

    response = warehouse_client.post("/stock/count/", {
        "warehouse": warehouse.pk, **count_form(warehouse_client),
        "item-TEST-ROMPER": "8", "item-TEST-LUIERS": "", "note": "Plank A",
    }, follow=True)

    assert "Rompertje test -2" in response.content.decode()
    assert (on_hand(romper, warehouse), on_hand(diapers, warehouse)) == (8, 4)
    correction = StockMovement.objects.get(kind=MovementKind.COUNT_CORRECTION)
    assert (correction.quantity, correction.note) == (-2, "Plank A")


def test_a_count_of_zero_is_a_count(warehouse_client, warehouse_user, warehouse, items):
    stock.receive(warehouse=warehouse, lines={items[1]: 4}, user=warehouse_user)
    warehouse_client.post("/stock/count/", {
        "warehouse": warehouse.pk, **count_form(warehouse_client), "item-TEST-LUIERS": "0"})
    assert on_hand(items[1], warehouse) == 0


def test_a_count_below_the_reservations_is_refused_on_the_form(warehouse_client, warehouse_user,
                                                              warehouse, items):
    romper = items[0]
    stock.receive(warehouse=warehouse, lines={romper: 5}, user=warehouse_user)
    stock.reserve(kit_type=kit_with([(romper, 4)]), warehouse=warehouse, user=warehouse_user)
    response = warehouse_client.post("/stock/count/", {
        "warehouse": warehouse.pk, **count_form(warehouse_client), "item-TEST-ROMPER": "2"})
    assert response.status_code == 200
    assert "gereserveerd" in " ".join(response.context["form"].non_field_errors())
    assert on_hand(romper, warehouse) == 5


def test_the_levels_page_shows_low_items_first(warehouse_client, warehouse_user, warehouse,
                                               items):
    romper, diapers = items
    stock.receive(warehouse=warehouse, lines={romper: 3, diapers: 50}, user=warehouse_user)
    html = warehouse_client.get("/stock/").content.decode()
    assert html.index("Rompertje test") < html.index("Luiers test")  # low first, though R > L
    assert "row-low" in html


def test_a_volunteer_sees_only_their_own_warehouse(warehouse_client, coordinator, items):
    WarehouseFactory(name="Ander magazijn")
    assert "Ander magazijn" not in warehouse_client.get("/stock/").content.decode()


def test_the_levels_page_costs_the_same_queries_for_more_items(coordinator_client, coordinator,
                                                               warehouse, items):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert coordinator_client.get("/stock/").status_code == 200
        return len(context.captured_queries)

    # The first request in a process also reads what it keeps (reference_data).
    queries()
    few = queries()
    for item in ItemFactory.create_batch(20):
        stock.receive(warehouse=warehouse, lines={item: 1}, user=coordinator)
    WarehouseFactory.create_batch(2)
    assert queries() == few


def test_the_ledger_shows_who_did_what_and_filters(warehouse_client, warehouse_user, warehouse,
                                                   items):
    romper = items[0]
    stock.receive(warehouse=warehouse, lines={romper: 10}, user=warehouse_user, note="Levering")
    stock.count(warehouse=warehouse, counted={romper: 9}, user=warehouse_user)
    html = warehouse_client.get("/stock/items/TEST-ROMPER/").content.decode()
    assert "ontvangst" in html and "telcorrectie" in html
    assert warehouse_user.get_full_name() in html and "Levering" in html
    assert 'class="num positive">+10<' in html and 'class="num negative">-1<' in html

    only_counts = warehouse_client.get("/stock/items/TEST-ROMPER/?kind=count_correction")
    assert "Levering" not in only_counts.content.decode()
    tomorrow = warehouse_client.get("/stock/items/TEST-ROMPER/?date_from=2099-01-01")
    assert "Levering" not in tomorrow.content.decode()
    today = warehouse_client.get(
        f"/stock/items/TEST-ROMPER/?date_from={StockMovement.objects.first().created_at.date()}")
    assert "Levering" in today.content.decode()
    bad = warehouse_client.get("/stock/items/TEST-ROMPER/?date_from=gisteren&date_to=2020-01-01")
    assert bad.status_code == 200 and "date_from" in bad.context["filters"].errors


def test_the_ledger_hides_other_warehouses_from_a_volunteer(warehouse_client, coordinator,
                                                            items):
    other = WarehouseFactory()
    stock.receive(warehouse=other, lines={items[0]: 10}, user=coordinator, note="Elders")
    html = warehouse_client.get("/stock/items/TEST-ROMPER/").content.decode()
    assert "Elders" not in html and other.name not in html


def test_an_unknown_item_is_404(warehouse_client):
    assert warehouse_client.get("/stock/items/NOPE/").status_code == 404


def test_the_ledger_costs_the_same_queries_for_more_movements(coordinator_client, coordinator,
                                                              warehouse, items):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert coordinator_client.get("/stock/items/TEST-ROMPER/").status_code == 200
        return len(context.captured_queries)

    stock.receive(warehouse=warehouse, lines={items[0]: 1}, user=coordinator)
    # The first request in a process also reads what it keeps (reference_data).
    queries()
    few = queries()
    for _ in range(10):
        stock.receive(warehouse=warehouse, lines={items[0]: 1},
                      user=UserFactory(role="coordinator"))
    assert queries() == few


def test_the_ledger_pages_newest_first_without_counting(coordinator_client, coordinator,
                                                        warehouse, items):
    for number in range(1, 53):
        stock.receive(warehouse=warehouse, lines={items[0]: 1}, user=coordinator,
                      note=f"levering-{number:02d}")
    first = coordinator_client.get("/stock/items/TEST-ROMPER/").content.decode()
    assert "levering-52" in first and "levering-03" in first and "levering-02" not in first
    assert "page=2" in first and "Pagina 1" in first
    second = coordinator_client.get("/stock/items/TEST-ROMPER/?page=2").content.decode()
    assert "levering-02" in second and "levering-01" in second and "levering-03" not in second
    assert "page=3" not in second and "page=1" in second
    for nonsense in ("0", "-1", "abc", "99999999999999999999"):
        response = coordinator_client.get(f"/stock/items/TEST-ROMPER/?page={nonsense}")
        assert response.status_code == 200


def test_a_coordinator_adjusts_with_a_reason(coordinator_client, coordinator, warehouse, items):
    romper = items[0]
    stock.receive(warehouse=warehouse, lines={romper: 10}, user=coordinator)
    page = coordinator_client.get("/stock/adjust/?item=TEST-ROMPER")
    assert 'value="TEST-ROMPER" selected' in page.content.decode()
    data = {"warehouse": warehouse.pk, "item": "TEST-ROMPER", "quantity": "-3",
            "reason": "Waterschade", "token": form_token(page)}
    response = coordinator_client.post("/stock/adjust/", data, follow=True)
    assert "Rompertje test -3" in response.content.decode()
    coordinator_client.post("/stock/adjust/", data)  # the same form again: booked once
    assert on_hand(romper, warehouse) == 7
    movement = StockMovement.objects.get(kind=MovementKind.ADJUSTMENT)
    assert (movement.quantity, movement.note, movement.created_by) == (-3, "Waterschade",
                                                                       coordinator)


@pytest.mark.parametrize(("change", "field"), [
    ({"quantity": "0"}, "quantity"), ({"quantity": ""}, "quantity"),
    ({"quantity": "x"}, "quantity"), ({"reason": "  "}, "reason"),
    ({"item": "NOPE"}, "item"), ({"quantity": "-11"}, "__all__"),
])
def test_bad_adjustments_are_refused_on_the_form(coordinator_client, coordinator, warehouse,
                                                 items, change, field):
    stock.receive(warehouse=warehouse, lines={items[0]: 10}, user=coordinator)
    data = {"warehouse": warehouse.pk, "item": "TEST-ROMPER", "quantity": "-1",
            "reason": "Kapot", "token": str(uuid.uuid4()), **change}
    response = coordinator_client.post("/stock/adjust/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert on_hand(items[0], warehouse) == 10


def test_volunteers_neither_adjust_nor_move(warehouse_client):
    assert warehouse_client.get("/stock/adjust/").status_code == 403
    assert warehouse_client.post("/stock/transfer/", {}).status_code == 403


def test_a_coordinator_moves_stock_between_warehouses(coordinator_client, coordinator,
                                                      warehouse, items):
    other = WarehouseFactory(name="Magazijn Oost")
    stock.receive(warehouse=warehouse, lines={items[0]: 10}, user=coordinator)
    page = coordinator_client.get("/stock/transfer/")
    data = {"warehouse": warehouse.pk, "destination": other.pk, "token": form_token(page),
            "item-TEST-ROMPER": "4", "note": "Voor de uitdeeldag"}
    coordinator_client.post("/stock/transfer/", data)
    coordinator_client.post("/stock/transfer/", data)
    assert (on_hand(items[0], warehouse), on_hand(items[0], other)) == (6, 4)

    too_much = coordinator_client.post("/stock/transfer/", {
        **data, "token": str(uuid.uuid4()), "item-TEST-ROMPER": "7"})
    assert "Niet genoeg voorraad" in " ".join(too_much.context["form"].non_field_errors())
    same = coordinator_client.post("/stock/transfer/", {
        **data, "token": str(uuid.uuid4()), "destination": warehouse.pk})
    assert "destination" in same.context["form"].errors
    assert (on_hand(items[0], warehouse), on_hand(items[0], other)) == (6, 4)


def test_moving_stock_needs_two_warehouses(coordinator_client, warehouse):
    response = coordinator_client.get("/stock/transfer/")
    assert response.status_code == 200 and response.context["form"] is None


def test_a_count_of_an_item_booked_meanwhile_asks_for_a_recount(warehouse_client,
                                                                warehouse_user, warehouse,
                                                                items):
    romper = items[0]
    stock.receive(warehouse=warehouse, lines={romper: 10}, user=warehouse_user)
    hidden = count_form(warehouse_client)
    stock.receive(warehouse=warehouse, lines={romper: 6}, user=warehouse_user)
    response = warehouse_client.post("/stock/count/", {
        "warehouse": warehouse.pk, **hidden, "item-TEST-ROMPER": "10"})
    assert "opnieuw" in " ".join(response.context["form"].non_field_errors())
    assert on_hand(romper, warehouse) == 16


def test_a_volunteer_cannot_count_in_another_warehouse(warehouse_client, coordinator, items):
    other = WarehouseFactory()
    stock.receive(warehouse=other, lines={items[0]: 10}, user=coordinator)
    response = warehouse_client.post("/stock/count/", {
        "warehouse": other.pk, **count_form(warehouse_client), "item-TEST-ROMPER": "0"})
    assert "warehouse" in response.context["form"].errors
    assert "Magazijn" in response.content.decode()  # the hidden field's error is shown
    assert on_hand(items[0], other) == 10


def test_a_volunteer_of_a_closed_warehouse_books_nothing(warehouse_client, warehouse, items):
    warehouse.is_active = False
    warehouse.save(update_fields=["is_active"])
    page = warehouse_client.get("/stock/receive/")
    assert page.status_code == 200 and page.context["form"] is None
    warehouse_client.post("/stock/receive/", {
        "warehouse": warehouse.pk, "token": str(uuid.uuid4()), "item-TEST-ROMPER": "3"})
    assert not StockMovement.objects.exists()


def test_an_inactive_item_still_on_the_shelf_can_be_counted_not_received(
        warehouse_client, warehouse_user, warehouse, items):
    romper = items[0]
    stock.receive(warehouse=warehouse, lines={romper: 4}, user=warehouse_user)
    romper.is_active = False
    romper.save(update_fields=["is_active"])
    assert "item-TEST-ROMPER" not in warehouse_client.get("/stock/receive/").content.decode()
    warehouse_client.post("/stock/count/", {
        "warehouse": warehouse.pk, **count_form(warehouse_client), "item-TEST-ROMPER": "0"})
    assert on_hand(romper, warehouse) == 0


@pytest.mark.parametrize(("query", "errors"), [
    ("date_to=9999-12-31", ["date_to"]), ("date_from=0001-01-01", ["date_from"]),
    ("date_from=1999-12-31", ["date_from"]), ("kind=%00", ["kind"]),
    ("date_from=%00", ["date_from"]),
    ("page=%00", []),  # not a filter: an odd page number shows the first page
])
def test_odd_ledger_filters_are_field_errors(coordinator_client, items, query, errors):
    response = coordinator_client.get(f"/stock/items/TEST-ROMPER/?{query}")
    assert response.status_code == 200
    assert list(response.context["filters"].errors) == errors
    assert response.context["page"].number == 1


@pytest.mark.parametrize("path", ["/stock/items/%00/", "/stock/items/romper/",
                                  "/stock/items/A--B/"])
def test_an_item_path_that_is_no_sku_is_404(coordinator_client, path):
    assert coordinator_client.get(path).status_code == 404


def test_a_nul_character_in_a_choice_is_a_field_error(coordinator_client, warehouse, items):
    response = coordinator_client.post("/stock/adjust/", {
        "warehouse": warehouse.pk, "item": "TEST\x00", "quantity": "1", "reason": "x",
        "token": str(uuid.uuid4())})
    assert "item" in response.context["form"].errors
