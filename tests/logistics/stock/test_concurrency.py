"""Many people booking at once never double-book (DESIGN §5), with real threads and a connection
each, on whichever database the suite runs on (SQLite and PostgreSQL in ``make test``).

These tests commit for real (``transaction=True``), so they make their own data and need no role
groups: the services do not check permissions, the views do.
"""

import threading
import uuid

import pytest
from django.core.management import call_command

from logistics.models import Reservation, ReservationState, StockLevel, StockMovement
from logistics.stock import ledger
from logistics.stock import services as stock
from tests.factories import ItemFactory, UserFactory, WarehouseFactory, kit_with
from tests.helpers import THREADS, run_at_once

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setup():
    user = UserFactory(groups=[])
    warehouse = WarehouseFactory()
    romper, blanket = ItemFactory(), ItemFactory()
    kit = kit_with([(romper, 2), (blanket, 1)])
    return user, warehouse, kit, romper, blanket


def test_twenty_reservations_against_stock_for_seven_kits(setup):
    user, warehouse, kit, romper, blanket = setup
    stock.receive(warehouse=warehouse, lines={romper: 14, blanket: 9}, user=user)

    results = run_at_once(lambda: stock.reserve(kit_type=kit, warehouse=warehouse, user=user))

    reserved = [r for r in results if isinstance(r, Reservation)]
    refused = [r for r in results if isinstance(r, stock.InsufficientStock)]
    assert len(reserved) == 7, results
    assert len(refused) == THREADS - 7, results
    assert all(error.extra()["short"] == [{"item": romper.sku, "needed": 2, "available": 0}]
               for error in refused)
    levels = {lvl.item_id: lvl for lvl in StockLevel.objects.filter(warehouse=warehouse)}
    assert (levels[romper.pk].on_hand, levels[romper.pk].reserved) == (14, 14)
    assert (levels[blanket.pk].on_hand, levels[blanket.pk].reserved) == (9, 7)
    assert Reservation.objects.filter(state=ReservationState.ACTIVE).count() == 7
    assert ledger.find_drift() == []
    call_command("verify_stock")  # exits 1 on drift


def test_packing_the_same_reservation_twice_at_once_issues_once(setup):
    user, warehouse, kit, romper, blanket = setup
    stock.receive(warehouse=warehouse, lines={romper: 4, blanket: 2}, user=user)
    reservation = stock.reserve(kit_type=kit, warehouse=warehouse, user=user)

    results = run_at_once(lambda: stock.consume(reservation=reservation, user=user), times=5)

    assert sum(isinstance(r, list) for r in results) == 1, results
    assert sum(isinstance(r, stock.ReservationClosed) for r in results) == 4, results
    assert StockMovement.objects.filter(reservation=reservation).count() == 2
    assert StockLevel.objects.get(item=romper, warehouse=warehouse).on_hand == 2
    assert ledger.find_drift() == []


def test_a_receipt_submitted_twice_at_once_books_once(setup):
    user, warehouse, _, romper, blanket = setup
    token = uuid.uuid4()

    results = run_at_once(lambda: stock.receive(
        warehouse=warehouse, lines={romper: 10, blanket: 5}, user=user, batch=token), times=2)

    assert sum(isinstance(r, list) for r in results) == 1, results
    assert sum(isinstance(r, stock.AlreadyBooked) for r in results) == 1, results
    assert StockLevel.objects.get(item=romper, warehouse=warehouse).on_hand == 10
    assert StockMovement.objects.count() == 2
    assert ledger.find_drift() == []


def test_transfers_both_ways_at_once_neither_deadlock_nor_drift(setup):
    user, warehouse, _, romper, blanket = setup
    other = WarehouseFactory()
    for each in (warehouse, other):
        stock.receive(warehouse=each, lines={romper: 100, blanket: 100}, user=user)
    directions = iter([(warehouse, other), (other, warehouse)] * (THREADS // 2))
    lock = threading.Lock()

    def move():
        with lock:
            source, destination = next(directions)
        return stock.transfer(source=source, destination=destination,
                              lines={romper: 1, blanket: 1}, user=user)

    results = run_at_once(move)

    assert all(isinstance(r, list) for r in results), results
    assert StockLevel.objects.get(item=romper, warehouse=warehouse).on_hand == 100
    assert ledger.find_drift() == []


def test_repairing_while_people_book_loses_no_booking(setup):
    user, warehouse, _, romper, blanket = setup
    stock.receive(warehouse=warehouse, lines={romper: 1}, user=user)
    StockLevel.objects.filter(item=romper).update(on_hand=50)  # drift to repair
    items = iter([romper, blanket] * THREADS)
    lock = threading.Lock()

    def book_or_repair():
        with lock:
            item = next(items)
        if item is blanket and not getattr(book_or_repair, "repaired", False):
            book_or_repair.repaired = True
            return ledger.repair()
        return stock.receive(warehouse=warehouse, lines={item: 1}, user=user)

    results = run_at_once(book_or_repair)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert ledger.find_drift() == []
    assert StockLevel.objects.get(item=romper, warehouse=warehouse).on_hand == 1 + THREADS // 2
