"""The referral workflow's table against DESIGN §4, written out here by hand: the table is never
its own specification."""

import itertools

import pytest

from logistics.models import ReferralStatus
from logistics.referrals.workflow import OPEN_STATUSES, TransitionNotAllowed, guard

STATUSES = ["submitted", "needs_info", "approved", "rejected", "scheduled", "packed",
            "delivered", "delivery_failed", "cancelled"]

# DESIGN §4, and the docstring of logistics/referrals/workflow.py.
ALLOWED = {
    ("submitted", "approved"),        # approve
    ("submitted", "rejected"),        # reject
    ("submitted", "needs_info"),      # ask
    ("submitted", "cancelled"),
    ("needs_info", "submitted"),      # resubmit
    ("needs_info", "cancelled"),
    ("approved", "scheduled"),        # on a pick list
    ("approved", "cancelled"),
    ("scheduled", "packed"),          # pack
    ("scheduled", "approved"),        # taken off a list
    ("scheduled", "delivery_failed"),  # taken off a list, packed on an earlier one
    ("scheduled", "cancelled"),
    ("packed", "delivered"),          # deliver
    ("packed", "delivery_failed"),    # fail
    ("packed", "cancelled"),
    ("delivery_failed", "scheduled"),  # reschedule
    ("delivery_failed", "cancelled"),
    # delivered, rejected and cancelled lead nowhere.
}

OPEN = {"submitted", "needs_info", "approved", "scheduled", "packed", "delivery_failed"}


def test_the_statuses_are_the_nine_of_the_design():
    assert sorted(ReferralStatus.values) == sorted(STATUSES)


@pytest.mark.parametrize(("current", "target"), list(itertools.product(STATUSES, STATUSES)))
def test_the_guard_allows_exactly_the_designed_transitions(current, target):
    if (current, target) in ALLOWED:
        guard(current, ReferralStatus(target))
    else:
        with pytest.raises(TransitionNotAllowed) as error:
            guard(current, ReferralStatus(target))
        assert error.value.status == 409


def test_the_open_statuses_are_those_a_referral_can_still_leave():
    assert {status.value for status in OPEN_STATUSES} == OPEN
