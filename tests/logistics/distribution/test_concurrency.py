"""Volunteers making lists or packing at the same moment, or a double click: no referral on
two lists, no kit packed twice. Real threads, both databases."""

import threading
import uuid

import pytest

from logistics.distribution import services as pick_lists
from logistics.models import MovementKind, PickList, PickListEntry, StockMovement
from logistics.stock import ledger
from startpakket.roles import Role
from tests.factories import UserFactory, WarehouseFactory
from tests.helpers import approved_kits, kit_requirements, run_at_once, run_each_at_once

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setting():
    from django.core.management import call_command

    call_command("install_defaults", verbosity=0)  # transactional tests start empty
    warehouse = WarehouseFactory()
    volunteer = UserFactory(role=Role.WAREHOUSE, organisation=warehouse)
    referrals = approved_kits(warehouse, UserFactory(role=Role.COORDINATOR),
                              UserFactory(role=Role.REFERRER), 6)
    return warehouse, volunteer, referrals


def test_lists_made_at_once_share_no_referral(setting):
    warehouse, volunteer, referrals = setting

    results = run_at_once(lambda: pick_lists.create_pick_list(
        warehouse=warehouse, user=volunteer, max_packages=2), times=4)

    made = [r for r in results if isinstance(r, PickList)]
    refused = [r for r in results if isinstance(r, pick_lists.NothingToSchedule)]
    assert (len(made), len(refused)) == (3, 1), results
    assert sorted(p.number for p in made) == [1, 2, 3]
    on_lists = list(PickListEntry.objects.values_list("referral_id", flat=True))
    assert sorted(on_lists) == sorted(r.pk for r in referrals)


def test_a_double_click_makes_one_list(setting):
    warehouse, volunteer, _ = setting
    token = uuid.uuid4()

    results = run_at_once(lambda: pick_lists.create_pick_list(
        warehouse=warehouse, user=volunteer, max_packages=2, token=token), times=5)

    assert all(isinstance(r, PickList) for r in results), results
    assert PickList.objects.count() == 1
    assert PickListEntry.objects.count() == 2


def test_packing_at_once_takes_the_goods_off_once(setting):
    warehouse, volunteer, _ = setting
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=volunteer)

    results = run_at_once(lambda: pick_lists.pack(pick_list=pick_list, user=volunteer),
                          times=5)

    assert sorted(len(r) for r in results) == [0, 0, 0, 0, 6], results
    assert StockMovement.objects.filter(kind=MovementKind.ISSUE).count() == (
        6 * len(kit_requirements()))
    assert ledger.find_drift() == []


def test_packing_while_a_coordinator_cancels_one_of_the_kits(setting, monkeypatch):
    """Packing locks every kit before it touches the stock, as cancelling does, so the two
    wait for each other instead of deadlocking. Forced: the cancel starts just after packing
    took the first kit's goods, and packing goes on once the cancel holds its kit (or after a
    while, when the cancel is kept waiting, as it should be)."""
    from logistics.referrals import services as referral_services
    from logistics.stock import services as stock

    warehouse, volunteer, referrals = setting
    coordinator = UserFactory(role=Role.COORDINATOR)
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=volunteer)
    consumed_one, cancel_holds_its_kit = threading.Event(), threading.Event()
    real_consume, real_release = stock.consume, stock.release

    def consume(**kwargs):
        movements = real_consume(**kwargs)
        if not consumed_one.is_set():
            consumed_one.set()
            cancel_holds_its_kit.wait(timeout=3)
        return movements

    def release(**kwargs):
        cancel_holds_its_kit.set()
        return real_release(**kwargs)

    def cancel():
        consumed_one.wait(timeout=10)
        return referral_services.cancel_referral(referral=referrals[3], user=coordinator,
                                                 reason="Verhuisd")

    monkeypatch.setattr(stock, "consume", consume)
    monkeypatch.setattr(stock, "release", release)
    results = run_each_at_once(lambda: pick_lists.pack(pick_list=pick_list, user=volunteer),
                               cancel)

    assert not [r for r in results if isinstance(r, Exception)], results
    referrals[3].refresh_from_db()
    assert referrals[3].status == "cancelled"
    # Packing won: all six kits packed, the sixth cancelled after packing (its goods stay out).
    assert StockMovement.objects.filter(kind=MovementKind.ISSUE).count() == (
        6 * len(kit_requirements()))
    assert ledger.find_drift() == []
