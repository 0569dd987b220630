"""Login lockout, session limits and security headers (issue: security and privacy, ASVS L2)."""

import datetime
import secrets
import time

import pytest
from axes.models import AccessAttempt

from tests.factories import TEST_PASSWORD, UserFactory
from tests.helpers import run_manage

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def attempt(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password},
                       REMOTE_ADDR=address)


def test_the_sixth_wrong_password_locks_for_the_cool_off(client, referrer):
    for _ in range(5):
        assert attempt(client, referrer.username, "wrong-password").status_code == 200
    assert attempt(client, referrer.username, "wrong-password").status_code == 429
    locked = attempt(client, referrer.username, TEST_PASSWORD)  # even the right one now
    assert locked.status_code == 429
    assert "15" in locked.content.decode()  # minutes, in the message
    assert "_auth_user_id" not in client.session

    # Another address is not locked out for this username (the key is username + address).
    assert attempt(client, referrer.username, TEST_PASSWORD, "10.0.0.2").status_code == 302
    client.logout()

    # After the cool-off the right password works again.
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC)
                                 - datetime.timedelta(minutes=16))
    assert attempt(client, referrer.username, TEST_PASSWORD).status_code == 302


def test_a_good_login_resets_the_count(client, referrer):
    for _ in range(5):
        attempt(client, referrer.username, "wrong-password")
    assert attempt(client, referrer.username, TEST_PASSWORD).status_code == 302
    client.logout()
    for _ in range(5):
        attempt(client, referrer.username, "wrong-password")
    assert attempt(client, referrer.username, TEST_PASSWORD).status_code == 302


def test_the_admin_login_is_locked_out_too(client, coordinator):
    for _ in range(6):
        client.post("/admin/login/", {"username": coordinator.username, "password": "nope"},
                    REMOTE_ADDR="10.0.0.9")
    response = client.post("/admin/login/", {"username": coordinator.username,
                                              "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429


def _age_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_an_idle_session_expires_after_30_minutes(referrer_client):
    assert referrer_client.get("/referrals/").status_code == 200
    _age_session(referrer_client, last_seen=29 * 60)
    assert referrer_client.get("/referrals/").status_code == 200
    _age_session(referrer_client, last_seen=31 * 60)
    response = referrer_client.get("/referrals/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert referrer_client.get("/referrals/").status_code == 302  # logged out for good


def test_a_session_ends_12_hours_after_login_even_when_busy(referrer_client):
    _age_session(referrer_client, started_at=12 * 3600 + 60, last_seen=10)
    response = referrer_client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_an_idle_api_session_is_anonymous(client, referrer):
    client.force_login(referrer)
    _age_session(client, last_seen=31 * 60)
    # The token is asked for first (DEFAULT_AUTHENTICATION_CLASSES), so anonymous is a 401.
    assert client.get("/api/v1/me/").status_code == 401


def test_logout_ends_the_session(referrer_client):
    referrer_client.post("/accounts/logout/")
    assert referrer_client.get("/").status_code == 302


def test_deactivating_a_user_ends_their_sessions(referrer_client, referrer):
    referrer.is_active = False
    referrer.save(update_fields=["is_active"])
    assert referrer_client.get("/").status_code == 302


def test_pages_for_logged_in_users_are_not_cached(referrer_client):
    cache_control = referrer_client.get("/").headers["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


def test_api_answers_are_not_cached(token_client, referrer):
    assert "no-store" in token_client(referrer).get("/api/v1/me/").headers["Cache-Control"]


def test_every_page_has_a_strict_content_security_policy(client, referrer):
    # Only the API documentation (Swagger UI) sets inline styles; nothing runs inline.
    for path, style_src in [("/accounts/login/", "'self'"),
                            ("/api/docs/", "'self' 'unsafe-inline'")]:
        policy = dict(part.strip().split(" ", 1)
                      for part in client.get(path).headers["Content-Security-Policy"].split(";"))
        assert policy["default-src"] == policy["script-src"] == "'self'"
        assert policy["frame-ancestors"] == "'none'"
        assert policy["style-src"] == style_src, path
    assert client.get(LOGIN).headers["X-Frame-Options"] == "DENY"


def test_the_api_docs_have_no_inline_script(client):
    page = client.get("/api/docs/").content.decode()
    assert "<script>" not in page.replace(" ", "")
    assert "<script src=" in page


def test_production_uses_host_prefixed_secure_cookies():
    result = run_manage(
        "shell", "-c",
        "from django.conf import settings as s; print(s.SESSION_COOKIE_NAME, "
        "s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_AGE)",
        DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="example.org",
    )
    assert result.stdout.strip().splitlines()[-1].split() == [
        "__Host-sessionid", "__Host-csrftoken", "True", "True", "43200"], result.stderr


def test_factory_users_log_in_with_the_test_password(db):
    # The factories' users log in with the test password: a guard for the tests above.
    assert UserFactory().check_password(TEST_PASSWORD)
