"""The stock services (DESIGN §5): ledger rows and stored levels always change together."""

import uuid

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from logistics.models import (
    BookingKind,
    MovementKind,
    ReservationState,
    StockBooking,
    StockLevel,
    StockMovement,
)
from logistics.stock import ledger
from logistics.stock import services as stock
from startpakket.errors import DomainError
from startpakket.roles import Role
from tests.factories import ItemFactory, UserFactory, WarehouseFactory, kit_with

pytestmark = pytest.mark.django_db


def level(item, warehouse):
    return StockLevel.objects.get(item=item, warehouse=warehouse)


def assert_no_drift():
    assert ledger.find_drift() == []


@pytest.fixture
def items():
    return ItemFactory.create_batch(3)


def test_receive_books_one_movement_per_item_and_raises_the_level(warehouse, warehouse_user,
                                                                 items):
    a, b, _ = items
    movements = stock.receive(warehouse=warehouse, lines=[(a, 5), (b, 2), (a, 3)],
                              user=warehouse_user, note="Donatie kerk")
    assert sorted((m.item.sku, m.quantity) for m in movements) == [(a.sku, 8), (b.sku, 2)]
    assert {m.kind for m in movements} == {MovementKind.RECEIPT}
    assert len({m.batch for m in movements}) == 1
    assert level(a, warehouse).on_hand == 8
    assert level(b, warehouse).on_hand == 2
    stock.receive(warehouse=warehouse, lines={a: 1}, user=warehouse_user)
    assert level(a, warehouse).on_hand == 9
    assert_no_drift()


@pytest.mark.parametrize("lines", [[], [("item", 0)], [("item", -2)], [("item", 1.5)],
                                   [("item", 100_001)]])
def test_receive_refuses_empty_and_non_positive_lines(warehouse, warehouse_user, items, lines):
    lines = [(items[0], quantity) for _, quantity in lines]
    with pytest.raises(DomainError):
        stock.receive(warehouse=warehouse, lines=lines, user=warehouse_user)
    assert not StockMovement.objects.exists()


def test_the_same_batch_books_once(warehouse, warehouse_user, items):
    token = uuid.uuid4()
    stock.receive(warehouse=warehouse, lines={items[0]: 4}, user=warehouse_user, batch=token)
    with pytest.raises(stock.AlreadyBooked):
        stock.receive(warehouse=warehouse, lines={items[0]: 4}, user=warehouse_user,
                      batch=token)
    assert level(items[0], warehouse).on_hand == 4
    assert StockMovement.objects.count() == 1


def test_adjust_needs_a_reason_and_never_goes_below_reserved(warehouse, coordinator, items):
    item = items[0]
    stock.receive(warehouse=warehouse, lines={item: 5}, user=coordinator)
    with pytest.raises(DomainError):
        stock.adjust(warehouse=warehouse, item=item, quantity=-1, reason=" ", user=coordinator)
    stock.adjust(warehouse=warehouse, item=item, quantity=-2, reason="Beschadigd",
                 user=coordinator)
    assert level(item, warehouse).on_hand == 3
    stock.reserve(kit_type=kit_with([(item, 2)]), warehouse=warehouse, user=coordinator)
    with pytest.raises(stock.InsufficientStock) as error:
        stock.adjust(warehouse=warehouse, item=item, quantity=-2, reason="Weg",
                     user=coordinator)
    assert error.value.extra()["short"] == [{"item": item.sku, "needed": 2, "available": 1}]
    assert level(item, warehouse).on_hand == 3
    assert_no_drift()


def test_count_writes_only_the_differences(warehouse, warehouse_user, items):
    a, b, c = items
    stock.receive(warehouse=warehouse, lines={a: 10, b: 4}, user=warehouse_user)
    movements = stock.count(warehouse=warehouse, counted={a: 7, b: 4, c: 2},
                            user=warehouse_user, note="Telling plank 3")
    assert sorted((m.item.sku, m.quantity) for m in movements) == [(a.sku, -3), (c.sku, 2)]
    assert {m.kind for m in movements} == {MovementKind.COUNT_CORRECTION}
    assert [level(i, warehouse).on_hand for i in items] == [7, 4, 2]
    assert_no_drift()


def test_a_count_below_what_is_reserved_is_refused(warehouse, warehouse_user, items):
    item = items[0]
    stock.receive(warehouse=warehouse, lines={item: 5}, user=warehouse_user)
    stock.reserve(kit_type=kit_with([(item, 4)]), warehouse=warehouse, user=warehouse_user)
    with pytest.raises(stock.CountBelowReserved):
        stock.count(warehouse=warehouse, counted={item: 3}, user=warehouse_user)
    assert level(item, warehouse).on_hand == 5
    assert StockMovement.objects.count() == 1


def test_transfer_moves_goods_between_warehouses(warehouse, coordinator, items):
    other = WarehouseFactory()
    a, b, _ = items
    stock.receive(warehouse=warehouse, lines={a: 6, b: 1}, user=coordinator)
    movements = stock.transfer(source=warehouse, destination=other, lines={a: 4},
                               user=coordinator)
    assert sorted((m.kind, m.quantity) for m in movements) == [
        (MovementKind.TRANSFER_IN, 4), (MovementKind.TRANSFER_OUT, -4)]
    assert (level(a, warehouse).on_hand, level(a, other).on_hand) == (2, 4)
    with pytest.raises(stock.InsufficientStock) as error:
        stock.transfer(source=warehouse, destination=other, lines={a: 1, b: 2},
                       user=coordinator)
    assert error.value.extra()["short"] == [{"item": b.sku, "needed": 2, "available": 1}]
    assert (level(a, warehouse).on_hand, level(a, other).on_hand) == (2, 4)
    with pytest.raises(DomainError):
        stock.transfer(source=warehouse, destination=warehouse, lines={a: 1},
                       user=coordinator)
    assert_no_drift()


def test_kit_requirements_double_the_per_baby_lines():
    romper, towel = ItemFactory(), ItemFactory()
    kit = kit_with([(romper, 3, True), (towel, 1)])
    assert stock.kit_requirements(kit) == {romper: 3, towel: 1}
    assert stock.kit_requirements(kit, babies=2) == {romper: 6, towel: 1}
    assert stock.kit_requirements(kit, kits=2, babies=2) == {romper: 12, towel: 2}


def test_reserve_is_all_or_nothing_and_names_every_short_item(warehouse, coordinator, items):
    a, b, c = items
    stock.receive(warehouse=warehouse, lines={a: 10, b: 1}, user=coordinator)
    kit = kit_with([(a, 2), (b, 2), (c, 1)])
    with pytest.raises(stock.InsufficientStock) as error:
        stock.reserve(kit_type=kit, warehouse=warehouse, user=coordinator)
    assert error.value.status == 409
    assert sorted(error.value.extra()["short"], key=lambda s: s["item"]) == sorted([
        {"item": b.sku, "needed": 2, "available": 1},
        {"item": c.sku, "needed": 1, "available": 0},
    ], key=lambda s: s["item"])
    assert b.name in error.value.detail
    assert level(a, warehouse).reserved == 0


def test_reserve_release_consume(warehouse, coordinator, items):
    a, b, _ = items
    stock.receive(warehouse=warehouse, lines={a: 10, b: 10}, user=coordinator)
    kit = kit_with([(a, 2, True), (b, 1)])
    twins = stock.reserve(kit_type=kit, warehouse=warehouse, user=coordinator, babies=2)
    single = stock.reserve(kit_type=kit, warehouse=warehouse, user=coordinator)
    assert (level(a, warehouse).reserved, level(b, warehouse).reserved) == (6, 2)
    assert not StockMovement.objects.filter(kind=MovementKind.ISSUE).exists()
    assert_no_drift()

    stock.release(reservation=single, user=coordinator)
    assert single.state == ReservationState.RELEASED
    assert (level(a, warehouse).reserved, level(a, warehouse).on_hand) == (4, 10)

    # The kit's contents change after approval: packing still takes what was reserved.
    kit.components.all().delete()
    movements = stock.consume(reservation=twins, user=coordinator)
    assert sorted((m.item.sku, m.quantity, m.kind) for m in movements) == sorted(
        [(a.sku, -4, MovementKind.ISSUE), (b.sku, -1, MovementKind.ISSUE)])
    assert all(m.reservation == twins for m in movements)
    assert (level(a, warehouse).on_hand, level(a, warehouse).reserved) == (6, 0)
    assert_no_drift()

    for action in (stock.release, stock.consume):
        with pytest.raises(stock.ReservationClosed):
            action(reservation=twins, user=coordinator)
    assert level(a, warehouse).on_hand == 6
    stock.return_to_stock(reservation=twins, lines={a: 3}, user=coordinator,
                          note="Pakket geannuleerd")
    assert level(a, warehouse).on_hand == 9
    with pytest.raises(stock.ReturnRefused):  # 1 of 4 rompers is left to return, not 2
        stock.return_to_stock(reservation=twins, lines={a: 2}, user=coordinator, note="x")
    returned = stock.return_to_stock(reservation=twins, user=coordinator, note="De rest")
    assert sorted((m.item.sku, m.quantity) for m in returned) == sorted([(a.sku, 1), (b.sku, 1)])
    assert (level(a, warehouse).on_hand, level(b, warehouse).on_hand) == (10, 10)
    with pytest.raises(stock.ReturnRefused):
        stock.return_to_stock(reservation=twins, user=coordinator, note="Nog eens")
    with pytest.raises(stock.ReturnRefused):  # released, never packed: nothing to return
        stock.return_to_stock(reservation=single, user=coordinator, note="x")
    assert_no_drift()


def test_one_action_is_one_batch(warehouse, coordinator, items):
    a, b, _ = items
    stock.receive(warehouse=warehouse, lines={a: 5, b: 5}, user=coordinator)
    reservation = stock.reserve(kit_type=kit_with([(a, 1), (b, 1)]), warehouse=warehouse,
                                user=coordinator)
    issued = stock.consume(reservation=reservation, user=coordinator)
    assert len({m.batch for m in issued}) == 1


def test_the_limit_counts_lines_of_the_same_item_together(warehouse, coordinator, items):
    with pytest.raises(DomainError):
        stock.receive(warehouse=warehouse, lines=[(items[0], 60_000), (items[0], 60_000)],
                      user=coordinator)
    assert not StockMovement.objects.exists()


def test_a_count_is_refused_for_items_booked_while_counting(warehouse, warehouse_user, items):
    a, b, _ = items
    stock.receive(warehouse=warehouse, lines={a: 10, b: 10}, user=warehouse_user)
    seen = stock.last_movement_id()
    stock.receive(warehouse=WarehouseFactory(), lines={a: 3}, user=warehouse_user)  # elsewhere
    stock.count(warehouse=warehouse, counted={a: 9}, user=warehouse_user, ledger_seen=seen)
    assert level(a, warehouse).on_hand == 9

    seen = stock.last_movement_id()
    stock.receive(warehouse=warehouse, lines={b: 5}, user=warehouse_user)  # a delivery meanwhile
    with pytest.raises(stock.CountedWhileMoving) as error:
        stock.count(warehouse=warehouse, counted={a: 8, b: 10}, user=warehouse_user,
                    ledger_seen=seen)
    assert error.value.extra() == {"items": [b.sku]}
    assert (level(a, warehouse).on_hand, level(b, warehouse).on_hand) == (9, 15)


def test_movements_are_append_only(warehouse, coordinator, items):
    (movement,) = stock.receive(warehouse=warehouse, lines={items[0]: 1}, user=coordinator)
    movement.quantity = 100
    with pytest.raises(TypeError):
        movement.save()
    with pytest.raises(TypeError):
        movement.delete()
    with pytest.raises(TypeError):
        StockMovement.objects.filter(pk=movement.pk).update(quantity=100)
    with pytest.raises(TypeError):
        StockMovement.objects.all().delete()
    assert StockMovement.objects.get().quantity == 1


@pytest.mark.parametrize(("on_hand", "reserved"), [(-1, 0), (5, -1), (2, 3)])
def test_the_database_refuses_impossible_levels(warehouse, items, on_hand, reserved):
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.create(item=items[0], warehouse=warehouse, on_hand=on_hand,
                                  reserved=reserved)


def test_verify_stock_reports_and_fixes_drift(warehouse, coordinator, items, capsys):
    a, b, _ = items
    stock.receive(warehouse=warehouse, lines={a: 5, b: 3}, user=coordinator)
    stock.reserve(kit_type=kit_with([(b, 1)]), warehouse=warehouse, user=coordinator)
    call_command("verify_stock")
    assert "agree" in capsys.readouterr().out

    StockLevel.objects.filter(item=a).update(on_hand=50)  # a hand edit in the database
    StockLevel.objects.filter(item=b).update(reserved=0)
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_stock")
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert f"{a.sku} @ {warehouse.code}: on_hand 50 (ledger 5)" in out
    assert "reserved 0 (reservations 1)" in out
    assert (level(a, warehouse).on_hand, level(b, warehouse).reserved) == (50, 0)

    call_command("verify_stock", "--fix")
    assert "Repaired 2" in capsys.readouterr().out
    assert (level(a, warehouse).on_hand, level(b, warehouse).reserved) == (5, 1)
    call_command("verify_stock")


def test_verify_stock_notices_a_missing_level_row(warehouse, coordinator, items):
    stock.receive(warehouse=warehouse, lines={items[0]: 2}, user=coordinator)
    StockLevel.objects.all().delete()
    assert [(d.stored_on_hand, d.ledger_on_hand) for d in ledger.find_drift()] == [(None, 2)]
    ledger.repair()
    assert level(items[0], warehouse).on_hand == 2


def test_the_same_booking_again_is_refused_only_when_the_caller_asks(warehouse, warehouse_user,
                                                                    items):
    a, b, _ = items
    stock.receive(warehouse=warehouse, lines={a: 12, b: 3}, user=warehouse_user, note="Kerk")
    with pytest.raises(stock.RepeatedBooking) as refused:
        # The same lines in another order and split up, with another note: the same receipt.
        stock.receive(warehouse=warehouse, lines=[(b, 3), (a, 5), (a, 7)], user=warehouse_user,
                      note="Kerk, nog een keer", check_repeat=True)
    assert refused.value.code == "repeated_booking" and refused.value.status == 409
    assert (level(a, warehouse).on_hand, StockMovement.objects.count()) == (12, 2)
    assert StockBooking.objects.count() == 1

    # Without the question (the API, a program sending two pallets of the same): booked.
    stock.receive(warehouse=warehouse, lines={a: 12, b: 3}, user=warehouse_user)
    assert level(a, warehouse).on_hand == 24
    assert StockBooking.objects.count() == 2


@pytest.mark.parametrize("change", [
    "more of an item", "an item fewer", "an item more", "another warehouse", "another person",
    "another kind",
])
def test_a_booking_that_differs_is_no_repeat(warehouse, warehouse_user, items, change):
    a, b, c = items
    stock.receive(warehouse=warehouse, lines={a: 12, b: 3}, user=warehouse_user)
    same = {"kind": BookingKind.RECEIPT, "user": warehouse_user, "warehouse": warehouse,
            "lines": {a: 12, b: 3}}
    assert stock.repeated_booking(**same) == StockBooking.objects.get()
    other = {
        "more of an item": {"lines": {a: 12, b: 4}},
        "an item fewer": {"lines": {a: 12}},
        "an item more": {"lines": {a: 12, b: 3, c: 1}},
        "another warehouse": {"warehouse": WarehouseFactory()},
        "another person": {"user": UserFactory(role=Role.WAREHOUSE, organisation=warehouse)},
        "another kind": {"kind": BookingKind.COUNT},
    }[change]
    assert stock.repeated_booking(**{**same, **other}) is None


def test_a_move_elsewhere_or_an_adjustment_the_other_way_is_no_repeat(coordinator, warehouse,
                                                                      items):
    a = items[0]
    north, south = WarehouseFactory(), WarehouseFactory()
    stock.receive(warehouse=warehouse, lines={a: 20}, user=coordinator)
    stock.transfer(source=warehouse, destination=north, lines={a: 4}, user=coordinator)
    stock.transfer(source=warehouse, destination=south, lines={a: 4}, user=coordinator,
                   check_repeat=True)
    with pytest.raises(stock.RepeatedBooking):
        stock.transfer(source=warehouse, destination=north, lines={a: 4}, user=coordinator,
                       check_repeat=True)

    stock.adjust(warehouse=warehouse, item=a, quantity=-3, reason="Kapot", user=coordinator)
    stock.adjust(warehouse=warehouse, item=a, quantity=3, reason="Terug", user=coordinator,
                 check_repeat=True)
    with pytest.raises(stock.RepeatedBooking):
        stock.adjust(warehouse=warehouse, item=a, quantity=-3, reason="Nog kapot",
                     user=coordinator, check_repeat=True)
    assert level(a, warehouse).on_hand == 12


def test_a_count_form_sent_twice_that_changed_nothing_is_already_booked(warehouse,
                                                                        warehouse_user, items):
    a = items[0]
    stock.receive(warehouse=warehouse, lines={a: 5}, user=warehouse_user)
    token = uuid.uuid4()
    assert stock.count(warehouse=warehouse, counted={a: 5}, user=warehouse_user,
                       batch=token) == []
    with pytest.raises(stock.AlreadyBooked):
        stock.count(warehouse=warehouse, counted={a: 5}, user=warehouse_user, batch=token)
