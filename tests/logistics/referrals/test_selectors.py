"""What waits for whom (``logistics.referrals.selectors``): the questions a nurse's organisation
must answer, the decisions waiting, and the kits at risk of arriving late."""

import datetime

import pytest
from django.utils import timezone

from logistics.models import ReferralStatus
from logistics.referrals import selectors, services
from logistics.referrals.rules import urgency
from startpakket.roles import Role
from tests.factories import UserFactory, make_referral
from tests.helpers import approved_kits, backdate

pytestmark = pytest.mark.django_db


def asked(referral, coordinator, question="Woont de partner hier?", *, days=0):
    services.ask_for_information(referral=referral, user=coordinator, reason=question)
    backdate(referral, ReferralStatus.NEEDS_INFO, days)
    return referral


def test_a_nurse_answers_her_organisations_questions_the_longest_waiting_first(
        referrer, coordinator):
    colleague = UserFactory(role=Role.REFERRER, organisation=referrer.organisation)
    recent = asked(make_referral(referrer, house_number=1), coordinator, "Vraag 1", days=1)
    oldest = asked(make_referral(colleague, house_number=2), coordinator, "Vraag 2", days=4)
    make_referral(referrer, house_number=3)  # submitted: nothing to answer
    asked(make_referral(house_number=4), coordinator, days=9)  # another organisation's

    waiting = list(selectors.waiting_for_answer(referrer))

    assert waiting == [oldest, recent]
    assert [r.question for r in waiting] == ["Vraag 2", "Vraag 1"]
    assert selectors.waiting_for_answer(colleague).count() == 2


def test_the_latest_question_counts_after_a_second_round(referrer, coordinator):
    referral = asked(make_referral(referrer), coordinator, "Eerste vraag", days=6)
    services.resubmit_referral(referral=referral, user=referrer, reason="Antwoord")
    asked(referral, coordinator, "Tweede vraag", days=2)
    [found] = selectors.waiting_for_answer(referrer)
    assert found.question == "Tweede vraag"
    assert timezone.localdate(found.asked_at) == timezone.localdate() - datetime.timedelta(days=2)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.WAREHOUSE])
def test_only_a_referrer_has_questions_to_answer(role, referrer, coordinator):
    asked(make_referral(referrer), coordinator)
    assert not selectors.waiting_for_answer(UserFactory(role=role)).exists()


def test_decisions_wait_the_longest_first_counting_from_the_last_submission(
        referrer, coordinator):
    two_days = make_referral(referrer, house_number=1)
    backdate(two_days, ReferralStatus.SUBMITTED, 2)
    answered = make_referral(referrer, house_number=2)
    backdate(answered, ReferralStatus.SUBMITTED, 20)
    asked(answered, coordinator, days=10)
    services.resubmit_referral(referral=answered, user=referrer, reason="Antwoord")
    five_days = make_referral(referrer, house_number=3)
    backdate(five_days, ReferralStatus.SUBMITTED, 5)
    approved = make_referral(referrer, house_number=4)
    backdate(approved, ReferralStatus.SUBMITTED, 30)
    asked(approved, coordinator)  # waits for the referrer now, not for a decision

    waiting = list(selectors.waiting_for_decision(coordinator))

    # The answered one waited for the referrer meanwhile: its wait for a decision began today.
    assert waiting == [five_days, two_days, answered]
    assert [(timezone.localdate() - timezone.localdate(r.waiting_since)).days
            for r in waiting] == [5, 2, 0]


def test_at_risk_finds_exactly_the_kits_urgency_calls_at_risk_or_late(referrer, coordinator):
    today = timezone.localdate()
    made = [make_referral(referrer, house_number=days,
                          due_date=today + datetime.timedelta(days=days))
            for days in range(39, 60)]
    found = set(selectors.at_risk(coordinator, today))
    assert found == {r for r in made if urgency(r.deliver_by, today)}
    # The edges: 6 weeks + 14 days ahead is at risk, one day more is not; before 6 weeks, late.
    assert {(r.due_date - today).days for r in found} == set(range(39, 57))
    assert selectors.at_risk_counts(coordinator, today) == {
        "overdue": len(range(39, 42)), "at_risk": len(range(42, 57))}


def test_at_risk_counts_only_kits_still_under_way(referrer, coordinator, warehouse):
    today = timezone.localdate()
    soon = today + datetime.timedelta(weeks=7)
    open_one = make_referral(referrer, house_number=1, due_date=soon)
    services.reject_referral(referral=make_referral(referrer, house_number=2, due_date=soon),
                             user=coordinator, reason="Te hoog inkomen")
    services.cancel_referral(referral=make_referral(referrer, house_number=3, due_date=soon),
                             user=coordinator, reason="Verhuisd")
    [approved] = approved_kits(warehouse, coordinator, referrer, 1, due_date=soon,
                               house_number=4)
    assert list(selectors.at_risk(coordinator, today)) == [open_one, approved]
    # A nurse sees her own organisation's only.
    assert list(selectors.at_risk(UserFactory(role=Role.REFERRER), today)) == []
