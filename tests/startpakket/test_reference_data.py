"""Norm tables, policies and the role groups' permissions are kept in each process
(``startpakket.reference_data``) and dropped when they change: here, in a rolled-back
transaction, and in another process."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction

from eligibility import rules
from eligibility import services as eligibility
from eligibility.models import Policy
from startpakket import reference_data
from startpakket.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/eligibility/check/"
BODY = {
    "reference_date": "2026-03-01",
    "household": {"applicant_age": 30, "has_partner": False, "children": 1},
    "incomes": [{"kind": "wages", "amount": "1600"}, {"kind": "child_benefit", "amount": "300"}],
}
HOUSEHOLD = rules.Household(applicant_age=30, has_partner=False, children=1)
INCOMES = [rules.Income(kind="wages", amount=Decimal("1600")),
           rules.Income(kind="child_benefit", amount=Decimal("300"))]


@pytest.fixture
def api(token_client):
    return token_client(UserFactory(role=Role.REFERRER))


def outcome() -> str:
    return eligibility.check_eligibility(household=HOUSEHOLD, incomes=INCOMES,
                                         reference_date=datetime.date(2026, 3, 1)).outcome


def test_a_check_reads_the_norms_and_policy_once(api, django_assert_num_queries):
    api.post(URL, BODY, format="json")
    # Token and user, the user's groups, the user's own permissions; nothing of the norms, the
    # policy or the groups' permissions (the version stamp is in the cache, here of the process).
    with django_assert_num_queries(3):
        assert api.post(URL, BODY, format="json").status_code == 200


def test_a_change_in_another_process_is_seen_at_the_next_request(api):
    assert api.post(URL, BODY, format="json").json()["outcome"] == "eligible"
    # Another worker saves the policy: the row changes, no signal reaches this process...
    Policy.objects.update(threshold_percent=Decimal("120"))
    assert api.post(URL, BODY, format="json").json()["outcome"] == "eligible"  # still kept
    # ...until its commit gives the shared cache a new version stamp.
    cache.set(reference_data.VERSION_KEY, "another worker's change")
    assert api.post(URL, BODY, format="json").json()["outcome"] == "not_eligible"


def test_a_change_here_is_seen_at_once():
    assert outcome() == "eligible"
    policy = Policy.objects.get()
    policy.threshold_percent = Decimal("120")
    policy.save()
    assert outcome() == "not_eligible"


def test_what_a_rolled_back_transaction_wrote_is_never_kept():
    assert outcome() == "eligible"
    with pytest.raises(RuntimeError), transaction.atomic():
        policy = Policy.objects.get()
        policy.threshold_percent = Decimal("120")
        policy.save()
        assert outcome() == "not_eligible"  # inside, the check sees its own change
        raise RuntimeError("rolled back")
    assert outcome() == "eligible"


def test_a_permission_taken_from_a_role_group_counts_at_the_next_request(api):
    assert api.get("/api/v1/referrals/").status_code == 200  # the groups' permissions are kept
    group = Group.objects.get(name=Role.REFERRER.value)
    group.permissions.remove(Permission.objects.get(codename="view_referral"))
    assert api.get("/api/v1/referrals/").status_code == 403
    group.permissions.add(Permission.objects.get(codename="view_referral"))
    assert api.get("/api/v1/referrals/").status_code == 200


def test_a_users_own_groups_are_read_per_request(api, token_client):
    nurse = UserFactory(role=Role.REFERRER)
    nurse_api = token_client(nurse)
    assert nurse_api.get("/api/v1/referrals/").status_code == 200
    nurse.groups.set([Group.objects.get(name=Role.WAREHOUSE.value)])
    assert nurse_api.post(URL, BODY, format="json").status_code == 403


def test_a_kit_type_put_out_of_use_cannot_be_chosen_at_the_next_referral(token_client, referrer):
    from logistics.models import KitType
    from tests.helpers import referral_payload

    api = token_client(referrer)
    assert api.post("/api/v1/referrals/", referral_payload(), format="json").status_code == 201
    kit = KitType.objects.get(code=referral_payload()["kit_type"])
    kit.is_active = False
    kit.save()
    refused = api.post("/api/v1/referrals/", referral_payload(), format="json")
    assert refused.status_code == 400
    assert "kit_type" in refused.json()["errors"]
