import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from startpakket.roles import Role
from tests.factories import UserFactory

ROLES = [Role.REFERRER, Role.WAREHOUSE, Role.COORDINATOR]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the shipped role groups once into the test database, as install_defaults does."""
    with django_db_blocker.unblock():
        call_command("install_defaults", verbosity=0)


@pytest.fixture
def referrer(db):
    return UserFactory(role=Role.REFERRER)


@pytest.fixture
def warehouse_user(db):
    return UserFactory(role=Role.WAREHOUSE)


@pytest.fixture
def coordinator(db):
    return UserFactory(role=Role.COORDINATOR)


@pytest.fixture
def user_for_role(db):
    """``user_for_role("referrer")`` makes a user of that role; ``None`` gives anonymous."""

    def make(role):
        return None if role is None else UserFactory(role=role)

    return make


def _logged_in_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def referrer_client(client, referrer):
    return _logged_in_client(client, referrer)


@pytest.fixture
def warehouse_client(client, warehouse_user):
    return _logged_in_client(client, warehouse_user)


@pytest.fixture
def coordinator_client(client, coordinator):
    return _logged_in_client(client, coordinator)


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def token_client():
    """``token_client(user)``: an API client sending the user's token, as an integration would."""

    def make(user):
        api = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return api

    return make


@pytest.fixture
def warehouse(warehouse_user):
    """The warehouse the ``warehouse_user`` volunteers at."""
    from logistics.models import Warehouse

    return Warehouse.objects.get(pk=warehouse_user.organisation_id)
