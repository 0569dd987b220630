"""API tokens (issue 13, point 2): stored hashed, shown once, named, expiring, revocable by the
owner and a coordinator, audited; made by the owner on her page or by an operator's command,
never by a coordinator for someone else. Tested through the doors people use."""

import datetime
import io
import re

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from startpakket import tokens
from startpakket.models import ApiToken
from startpakket.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/accounts/tokens/"
ADMIN = "/admin/startpakket/apitoken/"
KEY = re.compile(r"spk_[0-9a-f]{64}")


def api(key, address="192.0.2.10"):
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def make_on_the_page(client, name="Ons registratiesysteem", days=None):
    data = {"name": name, "days": days or 90}
    response = client.post(PAGE, data)
    assert response.status_code == 200
    keys = KEY.findall(response.content.decode())
    assert len(keys) == 1, response.content.decode()[:2000]
    return keys[0]


def token_entries(action):
    return LogEntry.objects.filter(content_type__model="apitoken", action=action)


def assert_401(response, code=None):
    assert response.status_code == 401, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Token"
    if code:
        assert response.json()["code"] == code


# --- The owner's page ---------------------------------------------------------------------------

def test_a_token_made_on_the_page_works_and_is_shown_only_once(referrer):
    page = logged_in(referrer)
    key = make_on_the_page(page)

    assert api(key).get("/api/v1/me/").json()["username"] == referrer.username
    later = page.get(PAGE).content.decode()
    assert "Ons registratiesysteem" in later
    assert key not in later and not KEY.search(later)
    token = ApiToken.objects.get()
    # Only a digest is stored: no column holds the key.
    assert key not in str(list(ApiToken.objects.values_list()))
    assert token.user == referrer and token.name == "Ons registratiesysteem"


def test_the_key_never_reaches_the_audit_trail(referrer):
    key = make_on_the_page(logged_in(referrer))
    api(key).get("/api/v1/me/")
    token = ApiToken.objects.get()
    for entry in LogEntry.objects.all():
        stored = f"{entry.changes} {entry.additional_data} {entry.object_repr} {entry.object_pk}"
        assert key not in stored and key[:15] not in stored and token.digest not in stored


def test_making_a_token_is_audited_with_who_name_and_expiry(referrer):
    make_on_the_page(logged_in(referrer), name="Koppeling")
    entry = token_entries(LogEntry.Action.CREATE).get()
    assert entry.actor == referrer
    assert set(entry.changes) == {"name", "user", "expiry"}
    assert entry.changes["name"] == ["None", "Koppeling"]


def test_the_expiry_is_90_days_by_default_and_follows_the_setting(referrer, settings):
    make_on_the_page(logged_in(referrer))
    expected = timezone.now() + datetime.timedelta(days=90)
    assert abs(ApiToken.objects.get().expiry - expected) < datetime.timedelta(minutes=1)

    settings.API_TOKEN_DAYS = 30
    response = logged_in(referrer).post(PAGE, {"name": "Te lang", "days": 31})
    assert "days" in response.context["form"].errors
    assert ApiToken.objects.count() == 1
    make_on_the_page(logged_in(referrer), name="Korter", days=30)
    expected = timezone.now() + datetime.timedelta(days=30)
    assert abs(ApiToken.objects.get(name="Korter").expiry - expected) < datetime.timedelta(
        minutes=1)


@pytest.mark.parametrize("data", [{"name": "", "days": 90}, {"name": "   ", "days": 90},
                                  {"name": "x" * 101, "days": 90}, {"name": "Ok", "days": 0},
                                  {"name": "Ok", "days": "veel"}, {"name": "Ok"}])
def test_bad_input_is_a_field_error_and_makes_nothing(referrer, data):
    response = logged_in(referrer).post(PAGE, data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not KEY.search(response.content.decode())
    assert not ApiToken.objects.exists()


def test_at_most_ten_valid_tokens_each(referrer):
    for number in range(tokens.MAX_TOKENS_PER_USER):
        tokens.create_token(user=referrer, name=f"token {number}")
    response = logged_in(referrer).post(PAGE, {"name": "Nog een", "days": 90})
    assert response.context["form"].errors["name"]
    assert ApiToken.objects.count() == tokens.MAX_TOKENS_PER_USER


def test_the_owner_revokes_and_the_token_stops_working(referrer):
    page = logged_in(referrer)
    key = make_on_the_page(page)
    token = ApiToken.objects.get()

    response = page.post(f"{PAGE}{token.pk}/revoke/")

    assert response.status_code == 302
    assert not ApiToken.objects.exists()
    assert_401(api(key).get("/api/v1/me/"))
    entry = token_entries(LogEntry.Action.DELETE).get()
    assert entry.actor == referrer


@pytest.mark.parametrize("role", list(Role))
def test_nobody_revokes_another_users_token_on_the_page(role, referrer):
    key = tokens.create_token(user=referrer, name="Van de verpleegkundige")[1]
    token = ApiToken.objects.get()
    response = logged_in(UserFactory(role=role)).post(f"{PAGE}{token.pk}/revoke/")
    assert response.status_code == 404
    assert api(key).get("/api/v1/me/").status_code == 200


def test_the_page_shows_only_ones_own_tokens(referrer):
    tokens.create_token(user=UserFactory(), name="Van iemand anders")
    assert "Van iemand anders" not in logged_in(referrer).get(PAGE).content.decode()


def test_revoking_needs_a_post(referrer):
    tokens.create_token(user=referrer, name="Blijft")
    token = ApiToken.objects.get()
    assert logged_in(referrer).get(f"{PAGE}{token.pk}/revoke/").status_code == 405
    assert ApiToken.objects.exists()


def test_a_password_only_session_makes_no_token(client, referrer, settings):
    # A token skips the second step; only a session that took it may make one.
    settings.TWO_FACTOR_REQUIRED = True
    client.post("/accounts/login/", {"username": referrer.username, "password": TEST_PASSWORD})
    for response in (client.get(PAGE), client.post(PAGE, {"name": "Stiekem", "days": 90})):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/two-factor/")
    assert not ApiToken.objects.exists()


def test_the_page_needs_a_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- The API --------------------------------------------------------------------------------------

def test_an_expired_token_is_a_401(referrer):
    token, key = tokens.create_token(user=referrer, name="Oud", days=1)
    ApiToken.objects.filter(pk=token.pk).update(
        expiry=timezone.now() - datetime.timedelta(seconds=1))
    assert_401(api(key).get("/api/v1/me/"), code="token_expired")
    # Kept, so that its owner sees it expired.
    assert "Oud" in logged_in(referrer).get(PAGE).content.decode()


@pytest.mark.parametrize("header", [
    "Token 0123456789abcdef0123456789abcdef01234567",  # an old, plain DRF key
    "Token spk_" + "0" * 64,
    "Token",
    "Token a b",
])
def test_unknown_and_malformed_tokens_are_a_401(api_client, header):
    api_client.credentials(HTTP_AUTHORIZATION=header)
    assert_401(api_client.get("/api/v1/me/"))


def test_a_key_that_is_no_text_is_a_401_not_a_500():
    client = Client(HTTP_AUTHORIZATION=b"Token spk_\xff\xfe".decode("latin-1"))
    assert_401(client.get("/api/v1/me/"))


def test_the_last_use_is_written_at_most_once_a_minute(referrer, django_assert_num_queries):
    token, key = tokens.create_token(user=referrer, name="Script")
    assert token.last_used_at is None
    client = api(key)
    client.get("/api/v1/me/")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and token.last_used_from == "192.0.2.10"

    client.get("/api/v1/me/")
    token.refresh_from_db()
    assert token.last_used_at == first

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - datetime.timedelta(minutes=2))
    client.get("/api/v1/me/")
    token.refresh_from_db()
    assert token.last_used_at > first


def test_a_new_address_is_audited_once(referrer):
    token, key = tokens.create_token(user=referrer, name="Script")
    used = token_entries(LogEntry.Action.UPDATE)
    for _ in range(3):
        assert api(key, "192.0.2.10").get("/api/v1/me/").status_code == 200
    assert [(entry.remote_addr, entry.actor, entry.changes) for entry in used] == [
        ("192.0.2.10", referrer, {"last_used_from": ["", "192.0.2.10"]})]

    api(key, "198.51.100.7").get("/api/v1/me/")
    api(key, "192.0.2.10").get("/api/v1/me/")
    api(key, "198.51.100.7").get("/api/v1/me/")
    assert sorted(used.values_list("remote_addr", flat=True)) == ["192.0.2.10", "198.51.100.7"]
    token.refresh_from_db()
    assert token.last_used_from == "198.51.100.7"


def test_an_inactive_users_token_stops_working(referrer):
    key = tokens.create_token(user=referrer, name="Script")[1]
    referrer.is_active = False
    referrer.save(update_fields=["is_active"])
    assert_401(api(key).get("/api/v1/me/"))


# --- The admin ------------------------------------------------------------------------------------

@pytest.fixture(params=["coordinator", "superuser"])
def admin_user(request, db):
    return UserFactory(role=Role.COORDINATOR, is_superuser=request.param == "superuser")


def test_a_coordinator_sees_tokens_but_never_a_key(admin_user, referrer):
    token, key = tokens.create_token(user=referrer, name="Koppeling JGZ")
    api(key).get("/api/v1/me/")
    token.refresh_from_db()
    client = logged_in(admin_user)
    for url in (ADMIN, f"{ADMIN}{token.pk}/change/", f"{ADMIN}?q=Koppeling"):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "Koppeling JGZ" in text
        assert key not in text and key[:15] not in text and token.digest not in text
        assert 'name="_save"' not in text  # read-only


def test_nobody_makes_a_token_in_the_admin(admin_user, referrer):
    client = logged_in(admin_user)
    assert client.get(f"{ADMIN}add/").status_code == 403
    assert client.post(f"{ADMIN}add/", {"user": referrer.pk, "name": "Stiekem"}).status_code == 403
    assert not ApiToken.objects.exists()
    assert 'href="/admin/startpakket/apitoken/add/"' not in client.get(ADMIN).content.decode()


def test_nobody_changes_a_token_in_the_admin(admin_user, referrer):
    token = tokens.create_token(user=referrer, name="Koppeling", days=1)[0]
    response = logged_in(admin_user).post(f"{ADMIN}{token.pk}/change/", {
        "user": admin_user.pk, "name": "Anders",
        "expiry_0": "2099-01-01", "expiry_1": "00:00:00"})
    assert response.status_code == 403
    token.refresh_from_db()
    assert (token.user, token.name) == (referrer, "Koppeling")


def test_a_coordinator_revokes_a_token_in_the_admin(admin_user, referrer):
    token, key = tokens.create_token(user=referrer, name="Oude koppeling")
    client = logged_in(admin_user)

    response = client.post(ADMIN, {"action": "delete_selected", "_selected_action": [token.pk],
                                   "post": "yes"})

    assert response.status_code == 302
    assert_401(api(key).get("/api/v1/me/"))
    entry = token_entries(LogEntry.Action.DELETE).get()
    assert entry.actor == admin_user and entry.object_repr == str(token)


def test_referrers_and_volunteers_do_not_reach_the_token_admin(referrer, warehouse_user):
    tokens.create_token(user=referrer, name="Koppeling")
    for user in (referrer, warehouse_user):
        assert logged_in(user).get(ADMIN).status_code == 302  # to the admin's login


# --- The command ----------------------------------------------------------------------------------

def run_command(*args):
    out = io.StringIO()
    call_command("drf_create_token", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_a_key_that_works_with_its_name_and_expiry(referrer):
    output = run_command(referrer.username, "--name", "Koppeling GGD", "--days", "30")

    key = KEY.search(output)[0]
    assert output.startswith(f"Generated token {key} for user {referrer.username}")
    token = ApiToken.objects.get()
    assert "Koppeling GGD" in output
    assert timezone.localtime(token.expiry).strftime("%Y-%m-%d") in output
    assert token.expiry - timezone.now() > datetime.timedelta(days=29, hours=23)
    assert api(key).get("/api/v1/me/").json()["username"] == referrer.username
    assert token_entries(LogEntry.Action.CREATE).get().actor is None  # made from the command line


def test_the_command_is_startpakkets_not_drfs():
    from django.core.management import get_commands

    assert get_commands()["drf_create_token"] == "startpakket"


def test_the_command_refuses_what_it_cannot_do(referrer, settings):
    with pytest.raises(CommandError, match="No user"):
        run_command("nobody")
    with pytest.raises(CommandError, match="days"):
        run_command(referrer.username, "--days", str(settings.API_TOKEN_DAYS + 1))
    assert not ApiToken.objects.exists()


def test_reset_revokes_the_users_other_tokens(referrer):
    old = tokens.create_token(user=referrer, name="Oud")[1]
    new = KEY.search(run_command(referrer.username, "--reset"))[0]
    assert_401(api(old).get("/api/v1/me/"))
    assert api(new).get("/api/v1/me/").status_code == 200


# --- Plain tokens of before ----------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)  # SQLite's schema editor works outside a transaction
def test_the_migration_drops_drfs_plain_tokens():
    from importlib import import_module

    migration = import_module("startpakket.migrations.0006_api_token")
    with connection.schema_editor() as editor:
        editor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY)")
        editor.execute("INSERT INTO authtoken_token VALUES ('0123456789abcdef')")
        migration.drop_plain_tokens(None, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
