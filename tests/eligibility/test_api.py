"""POST /api/v1/eligibility/check/ (DESIGN §7.2) against the shipped norms and policy."""

from decimal import Decimal

import pytest

from eligibility.models import NormTable, Policy
from startpakket.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/eligibility/check/"


def single_parent(wage, reference_date="2026-03-01"):
    return {
        "reference_date": reference_date,
        "household": {"applicant_age": 30, "has_partner": False, "children": 1},
        "incomes": [{"kind": "wages", "amount": wage}, {"kind": "child_benefit", "amount": "300"}],
    }


@pytest.fixture
def api(token_client):
    return token_client(UserFactory(role=Role.REFERRER))


def test_the_acceptance_case_eligible_at_the_threshold(api):
    response = api.post(URL, single_parent("1730.86"), format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["outcome"] == "eligible"
    assert body["eligible"] is True
    assert body["category"] == "single_21_aow"
    assert body["norm"] == "1331.43"  # 1401.50 × 0.95, excluding holiday allowance
    assert body["includes_holiday_allowance"] is False
    assert body["threshold_percent"] == "130.00"
    assert body["threshold"] == "1730.86"
    assert body["counted_income"] == "1730.86"
    assert body["excluded_income"] == "300.00"
    assert body["percent_of_norm"] == "130.0"
    assert body["norm_table"] == {"valid_from": "2026-01-01", "status": "uncertain"}
    assert "uncertain_norms" in [warning["code"] for warning in body["warnings"]]
    assert all(warning["message"] for warning in body["warnings"])
    assert any("1.730,86" in line for line in body["explanation"])


def test_one_cent_above_the_threshold_is_not_eligible(api):
    body = api.post(URL, single_parent("1730.87"), format="json").json()
    assert body["outcome"] == "not_eligible"
    assert body["eligible"] is False


def test_the_explanation_follows_the_language(api):
    dutch = api.post(URL, single_parent("1000"), format="json", HTTP_ACCEPT_LANGUAGE="nl").json()
    english = api.post(URL, single_parent("1000"), format="json",
                       HTTP_ACCEPT_LANGUAGE="en").json()
    assert any("komt in aanmerking" in line for line in dutch["explanation"])
    assert any("qualifies" in line for line in english["explanation"])


def test_an_amount_as_a_number_or_a_string_gives_the_same_answer(api):
    as_number = api.post(URL, single_parent(1730), format="json").json()
    as_string = api.post(URL, single_parent("1730.00"), format="json").json()
    assert as_number == as_string


def test_a_policy_change_applies_to_new_checks(api):
    before = api.post(URL, single_parent("1600"), format="json").json()
    for policy in Policy.objects.all():  # saved one by one, as the admin does
        policy.threshold_percent = Decimal("120")
        policy.save()
    after = api.post(URL, single_parent("1600"), format="json").json()
    assert (before["outcome"], before["threshold"]) == ("eligible", "1730.86")
    assert (after["outcome"], after["threshold"]) == ("not_eligible", "1597.72")


def test_under_18_needs_a_manual_review(api):
    body = api.post(URL, {"reference_date": "2026-03-01",
                          "household": {"applicant_age": 17},
                          "incomes": []}, format="json").json()
    assert body["outcome"] == "manual_review"
    assert body["eligible"] is None
    assert body["threshold"] is None


def test_reference_date_defaults_to_today(api):
    body = api.post(URL, {"household": {"applicant_age": 25}, "incomes": []},
                    format="json").json()
    assert body["norm_table"]["valid_from"] == NormTable.objects.latest("valid_from")\
        .valid_from.isoformat()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"incomes": []}, "household"),
        ({"household": {}, "incomes": []}, "household.applicant_age"),
        ({"household": {"applicant_age": "dertig"}, "incomes": []}, "household.applicant_age"),
        ({"household": {"applicant_age": -1}, "incomes": []}, "household.applicant_age"),
        ({"household": {"applicant_age": 30, "has_partner": True}, "incomes": []},
         "household.partner_age"),
        ({"household": {"applicant_age": 30}, "incomes": [{"kind": "wages", "amount": "-5"}]},
         "incomes.0.amount"),
        ({"household": {"applicant_age": 30}, "incomes": [{"kind": "wages", "amount": "1.005"}]},
         "incomes.0.amount"),
        ({"household": {"applicant_age": 30}, "incomes": [{"kind": "wages", "amount": "veel"}]},
         "incomes.0.amount"),
        ({"household": {"applicant_age": 30},
          "incomes": [{"kind": "wages", "amount": "1"}, {"kind": "lottery", "amount": "1"}]},
         "incomes.1.kind"),
        ({"household": {"applicant_age": 30}, "incomes": [], "reference_date": "2022-12-31"},
         "reference_date"),
        ({"household": {"applicant_age": 30}, "incomes": [], "reference_date": "31-12-2026"},
         "reference_date"),
        ({"household": {"applicant_age": 30}}, "incomes"),
    ],
)
def test_bad_input_gets_a_field_level_problem(api, body, field):
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"], response.json()


def test_rule_errors_are_translated(api):
    body = {"household": {"applicant_age": 30, "partner_age": 31}, "incomes": [],
            "reference_date": "2022-12-31"}
    errors = api.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="nl").json()["errors"]
    assert errors == {"household.partner_age": [
        "Er is een leeftijd van een partner ingevuld, maar het huishouden heeft geen partner."]}
    del body["household"]["partner_age"]
    errors = api.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="nl").json()["errors"]
    assert errors == {"reference_date": [
        "Voor deze datum zijn er geen normen; de eerste normtabel begint later."]}


def test_a_warehouse_volunteer_may_not_check(token_client):
    api = token_client(UserFactory(role=Role.WAREHOUSE))
    response = api.post(URL, single_parent("1000"), format="json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_a_coordinator_may_check(token_client):
    api = token_client(UserFactory(role=Role.COORDINATOR))
    assert api.post(URL, single_parent("1000"), format="json").status_code == 200


def test_anonymous_gets_401(api_client):
    assert api_client.post(URL, single_parent("1000"), format="json").status_code == 401


def test_a_check_takes_a_constant_number_of_queries(api, django_assert_num_queries):
    # Token and user, the user's groups and own permissions; then, the first time in a process,
    # what it keeps (startpakket.reference_data): the groups' permissions, the norm tables, their
    # rows, the policies. A check after that: tests/startpakket/test_reference_data.py.
    with django_assert_num_queries(7):
        api.post(URL, single_parent("1000"), format="json")
    with django_assert_num_queries(3):
        api.post(URL, single_parent("1000"), format="json")


def test_a_coordinator_changes_the_policy_to_120_percent_in_the_admin(api, coordinator_client):
    # Checked before, so the policy is kept in this process (startpakket.reference_data).
    assert api.post(URL, single_parent("1600"), format="json").json()["outcome"] == "eligible"
    policy = Policy.objects.get()
    page = coordinator_client.get(f"/admin/eligibility/policy/{policy.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data.update(threshold_percent="120", valid_from="2023-01-01",
                counted_income_kinds=policy.counted_income_kinds)
    data = {key: value for key, value in data.items() if value not in (None, False)}
    response = coordinator_client.post(f"/admin/eligibility/policy/{policy.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    body = api.post(URL, single_parent("1600"), format="json").json()
    assert (body["outcome"], body["threshold"]) == ("not_eligible", "1597.72")


def test_the_check_is_throttled_per_user(api, settings):
    from django.core.cache import cache

    cache.clear()
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    from rest_framework.throttling import ScopedRateThrottle

    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = {**rates, "eligibility": "3/minute"}
    try:
        responses = [api.post(URL, single_parent("1000"), format="json") for _ in range(4)]
        english = api.post(URL, single_parent("1000"), format="json", HTTP_ACCEPT_LANGUAGE="en")
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original
        cache.clear()
    assert [response.status_code for response in responses] == [200, 200, 200, 429]
    # In the reader's language, whole: not DRF's half-translated "Aanvraag was verstikt".
    refused = responses[-1]
    body = refused.json()
    seconds = int(refused["Retry-After"])
    assert 1 <= seconds <= 60 and body["retry_after"] == seconds
    assert body["code"] == "throttled"
    assert body["detail"] == (f"Te veel aanvragen kort na elkaar. Probeer het over {seconds} "
                              f"{'seconde' if seconds == 1 else 'seconden'} opnieuw.")
    assert english.json()["detail"].startswith("Too many requests in a short time. Try again in")


def test_the_number_of_incomes_is_capped_as_for_referrals(api):
    """The cap is the eligibility rules' (``rules.MAX_INCOMES``), shared with the referral API."""
    from eligibility import rules
    from logistics.referrals.api.serializers import ReferralInputSerializer

    incomes = [{"kind": "wages", "amount": "10"}] * rules.MAX_INCOMES
    body = {"household": {"applicant_age": 30}, "incomes": incomes,
            "reference_date": "2026-03-01"}
    assert api.post(URL, body, format="json").status_code == 200
    response = api.post(URL, {**body, "incomes": [*incomes, incomes[0]]}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["incomes"]
    assert ReferralInputSerializer().fields["incomes"].max_length == rules.MAX_INCOMES
