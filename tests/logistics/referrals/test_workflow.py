"""The referral workflow's table against DESIGN §4, written out here by hand: the table is never
its own specification."""

import itertools

import pytest

from logistics.models import ReferralStatus
from logistics.referrals.workflow import (
    OPEN_STATUSES,
    TransitionNotAllowed,
    WrongDeliveryMethod,
    guard,
)

STATUSES = ["planned", "submitted", "needs_info", "approved", "rejected", "scheduled", "packed",
            "delivered", "delivery_failed", "collected", "not_collected", "shipped", "cancelled"]

# DESIGN §4, and the docstring of logistics/referrals/workflow.py.
ALLOWED = {
    # A follow-up kit, when its window opens, as the policy says: approved on the first kit's
    # decision; back to the referrer to check the income; or waiting for a decision (the
    # approval could not be made). The referrer stops it.
    ("planned", "approved"),
    ("planned", "needs_info"),
    ("planned", "submitted"),
    ("planned", "cancelled"),         # stop
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
    # A pick-up kit (DESIGN §4, delivery method): collected, or not within the weeks it waits;
    # the family may still come, or a coordinator cancels.
    ("packed", "collected"),
    ("packed", "not_collected"),
    ("not_collected", "collected"),
    ("not_collected", "cancelled"),
    # A kit by post: shipped.
    ("packed", "shipped"),
    # delivered, collected, shipped, rejected and cancelled lead nowhere.
}

OPEN = {"planned", "submitted", "needs_info", "approved", "scheduled", "packed", "delivery_failed",
        "not_collected"}


def test_the_statuses_are_those_of_the_design():
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


# How a packed kit leaves is its delivery method's (DESIGN §4): each hand-over status belongs to
# one method, written out here.
BY_METHOD = {
    "delivery": {"delivered", "delivery_failed"},
    "pickup": {"collected", "not_collected"},
    "post": {"shipped"},
}


@pytest.mark.parametrize(("method", "target"), list(itertools.product(
    BY_METHOD, ["delivered", "delivery_failed", "collected", "not_collected", "shipped",
                "cancelled"])))
def test_the_guard_lets_a_packed_kit_go_only_its_methods_way(method, target):
    others = set().union(*BY_METHOD.values()) - BY_METHOD[method]
    if target in others:
        with pytest.raises(WrongDeliveryMethod) as error:
            guard("packed", ReferralStatus(target), method)
        assert error.value.status == 409
    else:
        guard("packed", ReferralStatus(target), method)
