"""How many kits the stock can still make (``logistics.stock.selectors.kit_capacity``)."""

import pytest

from logistics.models import KitType
from logistics.stock import selectors
from logistics.stock import services as stock
from startpakket.roles import Role
from tests.factories import ItemFactory, UserFactory, WarehouseFactory, kit_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def kit(db):
    """Only this kit type can be referred for: 2 diapers (per baby) and 1 blanket a kit."""
    KitType.objects.update(is_active=False)
    diapers = ItemFactory(sku="LUIER", name="Luiers")
    blanket = ItemFactory(sku="DEKEN", name="Deken")
    return kit_with([(diapers, 2, True), (blanket, 1)], code="eerste", name="Eerste pakket")


def capacity(user):
    return {(row.kit_type.code, row.warehouse.code): (row.kits, row.runs_out_first.sku)
            for row in selectors.kit_capacity(user)}


def test_the_item_that_runs_out_first_decides_and_reserved_stock_is_not_available(
        kit, coordinator):
    north, south = WarehouseFactory(code="noord"), WarehouseFactory(code="zuid")
    diapers, blanket = (kit.components.get(item__sku=sku).item for sku in ("LUIER", "DEKEN"))
    stock.receive(warehouse=north, lines={diapers: 9, blanket: 10}, user=coordinator)
    stock.receive(warehouse=south, lines={diapers: 20, blanket: 3}, user=coordinator)
    assert capacity(coordinator) == {("eerste", "noord"): (4, "LUIER"),
                                     ("eerste", "zuid"): (3, "DEKEN")}

    # An approved kit's goods are set aside: 7 diapers left make 3 kits.
    stock.reserve(kit_type=kit, warehouse=north, user=coordinator)
    assert capacity(coordinator)[("eerste", "noord")] == (3, "LUIER")


def test_a_warehouse_without_stock_makes_none_and_a_volunteer_sees_her_own(kit, coordinator):
    volunteer = UserFactory(role=Role.WAREHOUSE)
    other = WarehouseFactory(code="elders")
    diapers = kit.components.get(item__sku="LUIER").item
    stock.receive(warehouse=other, lines={diapers: 50}, user=coordinator)
    mine = volunteer.organisation.code
    assert capacity(volunteer) == {("eerste", mine): (0, "DEKEN")}
    assert capacity(coordinator)[("eerste", "elders")] == (0, "DEKEN")


def test_kit_types_nobody_can_be_referred_for_are_left_out(kit, coordinator):
    WarehouseFactory(code="noord")
    kit_with([], code="leeg")
    inactive = kit_with([(ItemFactory(), 1)], code="oud")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    assert {code for code, _ in capacity(coordinator)} == {"eerste"}


def test_capacity_costs_the_same_queries_however_many_kit_types(
        kit, coordinator, django_assert_num_queries):
    WarehouseFactory(code="noord")
    rows = selectors.stock_rows_for(coordinator)
    with django_assert_num_queries(2):
        selectors.kit_capacity(coordinator, rows)
    for n in range(3):
        kit_with([(ItemFactory(), 1), (ItemFactory(), 2)], code=f"extra-{n}")
    rows = selectors.stock_rows_for(coordinator)
    with django_assert_num_queries(2):
        assert len(selectors.kit_capacity(coordinator, rows)) == 4 * len(
            {row.warehouse.pk for row in rows})
