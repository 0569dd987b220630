"""Volunteers making lists or packing at the same moment, or a double click: no referral on
two lists, no kit packed twice. Real threads, both databases."""

import uuid

import pytest

from logistics.models import MovementKind, PickList, PickListEntry, StockMovement
from logistics.services import ledger, pick_lists
from startpakket.roles import Role
from tests.factories import UserFactory, WarehouseFactory
from tests.logistics.pick_list_helpers import approved_kits, kit_requirements
from tests.logistics.test_stock_concurrency import run_at_once

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
