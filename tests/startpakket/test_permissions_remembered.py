"""``User.has_perm`` remembers Django's answers on the user object (a page of referrals asks
hundreds of times), and answers as Django does: by role, not when inactive, everything for a
superuser, and an object's permission is not remembered."""

import pytest
from django.contrib.auth.backends import ModelBackend

from startpakket.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DECIDE = "logistics.decide_referral"


def test_the_answers_are_djangos():
    coordinator, nurse = UserFactory(role=Role.COORDINATOR), UserFactory(role=Role.REFERRER)
    superuser = UserFactory(is_superuser=True)
    for user, expected in ((coordinator, True), (nurse, False), (superuser, True)):
        assert user.has_perm(DECIDE) is expected
        assert user.has_perm(DECIDE) is expected  # remembered, the same


@pytest.fixture
def asked(monkeypatch) -> list:
    """What the backend is asked: (permission, object), each time."""
    questions = []
    original = ModelBackend.has_perm
    monkeypatch.setattr(ModelBackend, "has_perm",
                        lambda self, user, perm, obj=None: questions.append((perm, obj))
                        or original(self, user, perm, obj))
    return questions


def test_asked_again_the_backends_are_not(asked):
    coordinator = UserFactory(role=Role.COORDINATOR)
    for _n in range(5):
        assert coordinator.has_perm(DECIDE)
    assert asked == [(DECIDE, None)]


def test_an_account_made_inactive_loses_its_permissions_at_once():
    coordinator = UserFactory(role=Role.COORDINATOR)
    assert coordinator.has_perm(DECIDE)
    coordinator.is_active = False
    assert not coordinator.has_perm(DECIDE)
    coordinator.is_active = True
    assert coordinator.has_perm(DECIDE)


def test_a_permission_on_an_object_is_asked_each_time(asked):
    coordinator = UserFactory(role=Role.COORDINATOR)
    coordinator.has_perm(DECIDE, obj=coordinator)
    coordinator.has_perm(DECIDE, obj=coordinator)
    assert asked == [(DECIDE, coordinator)] * 2
