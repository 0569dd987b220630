import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from startpakket.models import User
from startpakket.roles import Role
from startpakket.services import create_user
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a-long-enough-passphrase"


class FakeStdin(io.StringIO):
    def isatty(self):
        return False


def add_user(*args, password=GOOD_PASSWORD):
    out = io.StringIO()
    call_command("add_user", *args, stdin=FakeStdin(password + "\n"), stdout=out)
    return out.getvalue()


def test_add_user_command_reads_the_password_from_stdin():
    OrganisationFactory(code="jgz-utrecht", warehouse=False)
    output = add_user("anne", "--role", "referrer", "--organisation", "jgz-utrecht")
    user = User.objects.get(username="anne")
    assert "Added anne as referrer of jgz-utrecht" in output
    assert user.check_password(GOOD_PASSWORD)
    assert user.role == Role.REFERRER
    assert user.organisation.code == "jgz-utrecht"
    assert not user.is_staff


def test_a_coordinator_gets_into_the_admin():
    OrganisationFactory(code="stichting", foundation=True)
    add_user("fatima", "--role", "coordinator", "--organisation", "stichting")
    assert User.objects.get(username="fatima").is_staff


def test_add_user_refuses_a_role_that_does_not_fit_the_organisation():
    OrganisationFactory(code="magazijn", warehouse=True)
    with pytest.raises(CommandError, match="organisation: Een verwijzer moet bij een organisatie"):
        add_user("anne", "--role", "referrer", "--organisation", "magazijn")
    assert not User.objects.filter(username="anne").exists()


def test_add_user_refuses_a_weak_password_and_writes_nothing():
    OrganisationFactory(code="jgz")
    with pytest.raises(CommandError, match="password:"):
        add_user("anne", "--role", "referrer", "--organisation", "jgz", password="12345")
    assert not User.objects.filter(username="anne").exists()


def test_add_user_refuses_an_unknown_organisation():
    with pytest.raises(CommandError, match="No organisation with code 'nope'"):
        add_user("anne", "--role", "referrer", "--organisation", "nope")


def test_add_user_refuses_an_empty_password():
    OrganisationFactory(code="jgz")
    with pytest.raises(CommandError, match="No password"):
        add_user("anne", "--role", "referrer", "--organisation", "jgz", password="")


def test_the_password_is_never_an_argument():
    with pytest.raises(CommandError):
        call_command("add_user", "anne", "--role", "referrer", "--organisation", "x",
                     "--password", GOOD_PASSWORD)


def test_create_user_reports_a_taken_username_by_field():
    organisation = OrganisationFactory()
    UserFactory(username="anne", organisation=organisation)
    with pytest.raises(ValidationError) as info:
        create_user(username="anne", password=GOOD_PASSWORD, role=Role.REFERRER,
                    organisation=organisation)
    assert "username" in info.value.message_dict


def test_create_user_refuses_an_inactive_organisation():
    organisation = OrganisationFactory(is_active=False)
    with pytest.raises(ValidationError) as info:
        create_user(username="anne", password=GOOD_PASSWORD, role=Role.REFERRER,
                    organisation=organisation)
    assert "organisation" in info.value.message_dict


def test_a_user_without_a_role_group_has_no_role():
    user = UserFactory(groups=[])
    assert user.role is None
    assert not user.has_role(Role.REFERRER)


def test_a_coordinator_adds_a_user_in_the_admin(coordinator_client):
    organisation = OrganisationFactory(code="magazijn-noord", warehouse=True)
    response = coordinator_client.post(
        "/admin/startpakket/user/add/",
        {"username": "kees", "organisation": organisation.pk, "role": "warehouse",
         "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="kees")
    assert user.role == Role.WAREHOUSE
    assert not user.is_staff


def test_the_admin_refuses_a_role_that_does_not_fit(coordinator_client):
    organisation = OrganisationFactory(code="jgz-zuid")
    response = coordinator_client.post(
        "/admin/startpakket/user/add/",
        {"username": "kees", "organisation": organisation.pk, "role": "coordinator",
         "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 200
    assert "moet bij een organisatie" in response.content.decode()
    assert not User.objects.filter(username="kees").exists()


def test_a_coordinator_cannot_hand_out_superuser_rights(coordinator_client):
    other = UserFactory(role=Role.REFERRER)
    page = coordinator_client.get(f"/admin/startpakket/user/{other.pk}/change/")
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    assert 'name="role"' in page.content.decode()
