"""Two coordinators approving at once, or a double click, never double-book a kit (DESIGN §5);
nurses referring at the same moment never get the same code. Real threads, both databases."""

import pytest
from django.db import connection

from logistics.models import Referral, ReferralStatus, Reservation, StockLevel
from logistics.referrals import services
from logistics.referrals.workflow import TransitionNotAllowed
from logistics.stock import ledger
from startpakket.roles import Role
from tests.factories import UserFactory, WarehouseFactory, make_referral, stock_for_kits
from tests.helpers import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people():
    # Transactional tests empty the database afterwards (they run after all others), so each
    # loads the shipped data it needs itself: norms, policy, kit types.
    from django.core.management import call_command

    call_command("install_defaults", verbosity=0)
    return UserFactory(role=Role.REFERRER), UserFactory(role=Role.COORDINATOR)


def test_ten_simultaneous_approvals_of_one_referral_reserve_once(people):
    nurse, coordinator = people
    warehouse = WarehouseFactory()
    stock_for_kits(warehouse, 3, user=coordinator)
    referral = make_referral(nurse)

    results = run_at_once(
        lambda: services.approve_referral(referral=referral, user=coordinator, warehouse=warehouse),
        times=10)

    assert sum(isinstance(r, Referral) for r in results) == 1, results
    assert sum(isinstance(r, TransitionNotAllowed) for r in results) == 9, results
    assert Reservation.objects.count() == 1
    assert Referral.objects.get().status == ReferralStatus.APPROVED
    level = StockLevel.objects.filter(warehouse=warehouse).first()
    assert level.reserved * 3 == level.on_hand
    assert ledger.find_drift() == []


def test_approvals_of_different_referrals_share_the_last_kit_correctly(people):
    nurse, coordinator = people
    warehouse = WarehouseFactory()
    stock_for_kits(warehouse, 2, user=coordinator)
    referrals = [make_referral(nurse) for _ in range(6)]
    queue = iter(referrals)

    def approve_next():
        referral = next(queue)
        return services.approve_referral(referral=referral, user=coordinator,
                                         warehouse=warehouse)

    results = run_at_once(approve_next, times=6)

    assert sum(isinstance(r, Referral) for r in results) == 2, results
    assert Referral.objects.filter(status=ReferralStatus.APPROVED).count() == 2
    assert ledger.find_drift() == []


def test_simultaneous_referrals_get_distinct_codes(people):
    nurse, _ = people

    results = run_at_once(lambda: make_referral(nurse), times=12)

    assert all(isinstance(r, Referral) for r in results), results
    assert len({r.code for r in results}) == 12
    connection.close()
