"""Who may do what to a referral, and when (``workflow.available_actions``): written out here
as DESIGN §4 and §7.2 say it, and the same answer from every door (the page's buttons, the
API's ``actions``, and the service's refusal)."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied

from logistics.models import DeliveryMethod, ReferralStatus
from logistics.referrals import services
from logistics.referrals.workflow import TransitionNotAllowed, actions_for, available_actions
from startpakket.roles import Role
from tests.factories import UserFactory, WarehouseFactory, make_referral

ALL_STATUSES = [status.value for status in ReferralStatus]

# Role (seen from the referral) → status → the actions, literally. A status not named: none.
EXPECTED = {
    "coordinator": {
        "planned": {"stop"},
        "submitted": {"approve", "reject", "ask", "override", "cancel"},
        "needs_info": {"cancel"},
        "approved": {"cancel"},
        "scheduled": {"cancel", "print_slip"},
        "packed": {"deliver", "delivery_failed", "cancel", "print_slip"},
        "delivery_failed": {"cancel", "print_slip"},
        # Still open (at a pick-up point); of the hand-over actions only a pick-up kit's
        # (tests/logistics/distribution/test_methods.py).
        "not_collected": {"cancel"},
    },
    # The referring organisation withdraws before a decision, answers a question, and stops a
    # planned follow-up kit.
    "own referrer": {
        "planned": {"stop"},
        "submitted": {"cancel"},
        "needs_info": {"resubmit", "cancel"},
    },
    "other referrer": {},
    "own volunteer": {
        "scheduled": {"print_slip"},
        "packed": {"deliver", "delivery_failed", "print_slip"},
        "delivery_failed": {"print_slip"},
    },
    "other volunteer": {},
}


@pytest.fixture
def people(db):
    warehouse = WarehouseFactory()
    referrer = UserFactory(role=Role.REFERRER)
    return {
        "coordinator": UserFactory(role=Role.COORDINATOR),
        "own referrer": referrer,
        "other referrer": UserFactory(role=Role.REFERRER),
        "own volunteer": UserFactory(role=Role.WAREHOUSE, organisation=warehouse),
        "other volunteer": UserFactory(role=Role.WAREHOUSE),
        "warehouse": warehouse,
    }


@pytest.mark.parametrize("status", ALL_STATUSES)
@pytest.mark.parametrize("who", list(EXPECTED))
def test_available_actions_are_those_of_the_design(people, who, status):
    referral = make_referral(people["own referrer"])
    # In memory only: the rule reads the status and who the referral belongs to.
    referral.status = status
    referral.warehouse = people["warehouse"]

    actions = available_actions(people[who], referral)

    assert {action.value for action in actions} == EXPECTED[who].get(status, set())


def test_an_inactive_user_may_do_nothing(people):
    coordinator = people["coordinator"]
    referral = make_referral(people["own referrer"])
    coordinator.is_active = False
    assert available_actions(coordinator, referral) == frozenset()


def test_a_kit_without_a_warehouse_has_no_slip(people):
    referral = make_referral(people["own referrer"])
    referral.status = "scheduled"
    assert {a.value for a in available_actions(people["coordinator"], referral)} == {"cancel"}



def test_the_actions_of_many_referrals_are_each_ones_own(people):
    """``actions_for`` works out each situation once: whoever asks, for referrals in every
    status, method, organisation and warehouse one after the other, it answers as
    ``available_actions`` does for each alone."""
    own = make_referral(people["own referrer"])
    other = make_referral(people["other referrer"])
    warehouses = [people["warehouse"], people["other volunteer"].organisation, None]
    for who in ("coordinator", "own referrer", "other referrer", "own volunteer",
                "other volunteer"):
        user, seen = people[who], []
        actions = actions_for(user)
        for referral, warehouse, method, status in itertools.product(
                (own, other), warehouses, DeliveryMethod.values, ALL_STATUSES):
            referral.warehouse, referral.delivery_method, referral.status = (
                warehouse, method, status)
            assert actions(referral) == available_actions(user, referral), (
                who, warehouse, method, status)
            seen.append(actions(referral))
        assert len(set(seen)) > 1, who  # the answers differ: nothing was taken for another


# --- every door says the same ------------------------------------------------------------------

def _asked(client, coordinator, referrer):
    referral = make_referral(referrer)
    services.ask_for_information(referral=referral, user=coordinator, reason="Welk inkomen?")
    return referral


def test_while_asked_the_referrer_may_answer_or_cancel_on_every_door(
        client, token_client, people):
    referrer, coordinator = people["own referrer"], people["coordinator"]
    referral = _asked(client, coordinator, referrer)

    client.force_login(referrer)
    page = client.get(f"/referrals/{referral.code}/")
    assert set(page.context["forms"]) == {"resubmit", "cancel"}
    api = token_client(referrer).get(f"/api/v1/referrals/{referral.code}/").json()
    assert api["actions"] == ["resubmit", "cancel"]

    response = token_client(referrer).post(f"/api/v1/referrals/{referral.code}/cancel/",
                                           {"reason": "Gezin verhuisd"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "cancelled"
    assert response.json()["actions"] == []


def test_after_approval_the_referrer_may_not_cancel_on_any_door(
        client, token_client, people):
    referrer, coordinator = people["own referrer"], people["coordinator"]
    referral = make_referral(referrer)
    services.override_eligibility(referral=referral, user=coordinator, outcome="eligible",
                                  reason="Test")
    referral.status = ReferralStatus.APPROVED  # approved without stock: the rule reads status
    referral.save(update_fields=["status"])

    client.force_login(referrer)
    page = client.get(f"/referrals/{referral.code}/")
    assert "cancel" not in page.context["forms"]
    assert f'action="/referrals/{referral.code}/cancel/"' not in page.content.decode()
    api = token_client(referrer).get(f"/api/v1/referrals/{referral.code}/").json()
    assert api["actions"] == []

    refused = token_client(referrer).post(f"/api/v1/referrals/{referral.code}/cancel/",
                                          {"reason": "Toch niet"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "transition_not_allowed"
    posted = client.post(f"/referrals/{referral.code}/cancel/", {"reason": "Toch niet"})
    assert posted.status_code == 200  # the page again, with the refusal on the form
    assert posted.context["forms"]["cancel"].non_field_errors()
    with pytest.raises(TransitionNotAllowed):
        services.cancel_referral(referral=referral, user=referrer, reason="Toch niet")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.APPROVED


def test_another_organisation_may_not_answer_or_cancel_in_the_service(people):
    referral = _asked(None, people["coordinator"], people["own referrer"])
    stranger = people["other referrer"]
    with pytest.raises(PermissionDenied):
        services.resubmit_referral(referral=referral, user=stranger, reason="Ja")
    with pytest.raises(PermissionDenied):
        services.cancel_referral(referral=referral, user=stranger, reason="Weg")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NEEDS_INFO


def test_a_volunteer_sees_the_delivery_actions_of_a_packed_kit_only(token_client, people):
    referral = make_referral(people["own referrer"])
    referral.status = ReferralStatus.PACKED
    referral.warehouse = people["warehouse"]
    referral.save(update_fields=["status", "warehouse"])

    body = token_client(people["own volunteer"]).get(
        f"/api/v1/referrals/{referral.code}/").json()
    assert body["actions"] == ["deliver", "delivery_failed", "print_slip"]
    # Another warehouse's volunteer does not even find it.
    other = token_client(people["other volunteer"]).get(f"/api/v1/referrals/{referral.code}/")
    assert other.status_code == 404
