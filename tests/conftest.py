import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.utils import timezone, translation
from rest_framework.test import APIClient

from startpakket import after_response, kept, tokens
from startpakket.models import ApiToken
from startpakket.roles import Role
from tests.factories import UserFactory

ROLES = [Role.REFERRER, Role.WAREHOUSE, Role.COORDINATOR]


@pytest.fixture(autouse=True)
def _language_as_a_request_starts():
    """Each test starts in the project's language: a test that renders in English (a
    page through the test client's middleware, a mail with ``translation.override``) could
    otherwise leave English active for the next one, whose result then hangs on the order."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache_after_each_test():
    """A test's throttle counts, or anything it cached or kept (``startpakket.kept``: the
    reference data, the dashboard's figures), do not reach the next test (the data they came
    from is rolled back; the cache, of this process, is not); nor does a request it left open
    (``after_response``: a streamed answer read in part), which would hold the next test's
    mail."""
    kept.clear_all()
    after_response.clear()
    yield
    for cache in caches.all(initialized_only=True):
        cache.clear()
    kept.clear_all()
    after_response.clear()


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
    """``token_client(user)``: an API client sending the user's token, as an integration would
    (one token per user and test). The token counts as just used from the test client's address:
    a first use writes down the last use and audits the address (tests/startpakket/
    test_api_tokens.py), which tests that count queries or audit entries should not see."""
    keys = {}

    def make(user):
        api = APIClient()
        if user.pk not in keys:
            token, keys[user.pk] = tokens.create_token(user=user, name="test")
            ApiToken.objects.filter(pk=token.pk).update(
                last_used_at=timezone.now(), last_used_from="127.0.0.1", addresses=["127.0.0.1"])
        api.credentials(HTTP_AUTHORIZATION=f"Token {keys[user.pk]}")
        return api

    return make


@pytest.fixture
def warehouse(warehouse_user):
    """The warehouse the ``warehouse_user`` volunteers at."""
    from logistics.models import Warehouse

    return Warehouse.objects.get(pk=warehouse_user.organisation_id)


@pytest.fixture
def verified_coordinator_client(client, coordinator, settings):
    """A coordinator logged in as a person does, with two-step login on: the password, then
    a backup code."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import TEST_PASSWORD

    settings.TWO_FACTOR_REQUIRED = True
    TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    StaticDevice.objects.create(user=coordinator, name="backup").token_set.create(
        token="abcd1234")
    assert client.post("/accounts/login/", {"username": coordinator.username,
                                            "password": TEST_PASSWORD}).status_code == 302
    assert client.post("/accounts/two-factor/", {"code": "abcd1234"}).status_code == 302
    return client
