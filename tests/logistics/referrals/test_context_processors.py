"""The menu's badge (``logistics.referrals.context_processors.answers_waiting``): counted in
one query, only for a nurse, and only when a page's menu shows it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from logistics.referrals import services
from logistics.referrals.context_processors import answers_waiting
from startpakket.roles import Role
from tests.factories import UserFactory, make_referral

pytestmark = pytest.mark.django_db


def request_of(rf, user):
    request = rf.get("/")
    request.user = user
    if user.is_authenticated:
        _ = user.role  # the page has read the role before the menu asks
    return request


def test_a_nurse_gets_her_organisations_count_in_one_query_when_asked(
        rf, referrer, coordinator, django_assert_num_queries):
    colleague = UserFactory(role=Role.REFERRER, organisation=referrer.organisation)
    for n, author in enumerate([referrer, colleague, UserFactory(role=Role.REFERRER)], 1):
        services.ask_for_information(referral=make_referral(author, house_number=n),
                                     user=coordinator, reason="Vraag")
    make_referral(referrer, house_number=9)
    request = request_of(rf, referrer)
    with django_assert_num_queries(0):
        context = answers_waiting(request)
    with django_assert_num_queries(1):
        assert context["answers_waiting"]() == 2
        assert context["answers_waiting"]() == 2  # the menu reads it twice


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.WAREHOUSE, None])
def test_nobody_else_gets_a_badge_nor_a_query(rf, role, django_assert_num_queries):
    user = UserFactory(role=role) if role else AnonymousUser()
    request = request_of(rf, user)
    with django_assert_num_queries(0):
        assert answers_waiting(request) == {}
