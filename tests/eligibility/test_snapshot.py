"""A stored decision comes back exactly as it was made."""

import datetime
from decimal import Decimal

import pytest

from eligibility import explain, rules, snapshot
from eligibility import services as eligibility

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("household", [
    rules.Household(applicant_age=30, has_partner=False, children=1),
    rules.Household(applicant_age=17),
    rules.Household(applicant_age=19, has_partner=True, partner_age=24, children=2),
])
def test_a_decision_survives_the_round_trip_through_json(household):
    import json

    decision = eligibility.check_eligibility(
        household=household, incomes=[rules.Income("wages", Decimal("1730.86"))],
        reference_date=datetime.date(2026, 3, 1))
    stored = json.loads(json.dumps(snapshot.to_snapshot(decision)))
    restored = snapshot.from_snapshot(stored)
    assert restored == decision
    assert [explain.text(m) for m in restored.explanation] == [
        explain.text(m) for m in decision.explanation]


def test_a_message_code_that_is_gone_does_not_break_the_page():
    assert "gone_code" in explain.text(rules.Message("gone_code", {"x": 1}))
