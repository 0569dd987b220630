"""Two-factor login: a password-only session reaches no personal data (issue: security)."""

import re
import secrets

import pytest
from django.conf import settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from startpakket import enrolment
from tests.factories import TEST_PASSWORD, make_referral
from tests.helpers import run_manage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def log_in(client, user):
    response = client.post("/accounts/login/", {"username": user.username,
                                                "password": TEST_PASSWORD})
    assert response.status_code == 302
    return response


def unthrottle(user):
    """django-otp slows down after a wrong code (as it should); a test does not wait."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(throttling_failure_count=0,
                                               throttling_failure_timestamp=None)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_password_only_session_reaches_no_personal_data(client, referrer, coordinator):
    referral = make_referral(referrer)
    log_in(client, coordinator)
    for path in ("/", f"/referrals/{referral.code}/", "/referrals/", "/admin/",
                 "/admin/logistics/referral/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/two-factor/setup/"), path
    api = client.get(f"/api/v1/referrals/{referral.code}/")
    assert api.status_code == 403 and api.json()["code"] == "two_factor_required"
    assert referral.parent_last_name not in api.content.decode()


def test_setting_up_the_app_gives_backup_codes_and_opens_the_application(client, referrer):
    make_referral(referrer)
    client.get(enrolment.issue_link(referrer).removeprefix(settings.SITE_URL))
    log_in(client, referrer)
    page = client.get("/accounts/two-factor/setup/?next=/referrals/")
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=referrer, confirmed=False)

    wrong = client.post("/accounts/two-factor/setup/", {"code": "000000", "next": "/referrals/"})
    assert "code" in wrong.context["form"].errors
    unthrottle(referrer)

    done = client.post("/accounts/two-factor/setup/", {"code": current_code(device),
                                                       "next": "/referrals/"})
    codes = re.findall(r"<code>(\w+)</code>", done.content.decode())
    assert len(codes) == 10
    assert StaticDevice.objects.get(user=referrer).token_set.count() == 10
    assert client.get("/referrals/").status_code == 200


def test_the_next_login_asks_for_a_code_and_a_backup_code_works_once(client, referrer):
    device = TOTPDevice.objects.create(user=referrer, name="app", confirmed=True)
    backup = StaticDevice.objects.create(user=referrer, name="backup")
    backup.token_set.create(token="abcd1234")

    log_in(client, referrer)
    assert client.get("/").headers["Location"].startswith("/accounts/two-factor/?next=/")
    assert client.post("/accounts/two-factor/", {"code": "123"}).status_code == 200
    assert client.get("/").status_code == 302
    unthrottle(referrer)

    assert client.post("/accounts/two-factor/", {"code": "abcd1234"}).status_code == 302
    assert client.get("/").status_code == 200

    client.post("/accounts/logout/")
    log_in(client, referrer)
    again = client.post("/accounts/two-factor/", {"code": "abcd1234"})
    assert again.status_code == 200 and "code" in again.context["form"].errors  # used once
    unthrottle(referrer)
    client.post("/accounts/two-factor/", {"code": current_code(device), "next": "/referrals/"})
    assert client.get("/referrals/").status_code == 200


def test_the_next_parameter_cannot_send_people_elsewhere(client, referrer):
    TOTPDevice.objects.create(user=referrer, name="app", confirmed=True)
    backup = StaticDevice.objects.create(user=referrer, name="backup")
    backup.token_set.create(token="abcd1234")
    log_in(client, referrer)
    response = client.post("/accounts/two-factor/", {"code": "abcd1234",
                                                     "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_api_tokens_are_a_separate_credential(token_client, referrer):
    # Tokens are made by a coordinator for a system, not typed by a person.
    assert token_client(referrer).get("/api/v1/me/").status_code == 200


def test_production_refuses_to_start_with_two_factor_off():
    result = run_manage("check", "--deploy", DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50),
                        ALLOWED_HOSTS="example.org", TWO_FACTOR_REQUIRED="0")
    assert result.returncode != 0
    assert "TWO_FACTOR_REQUIRED" in result.stderr + result.stdout
    demo = run_manage("check", DEBUG="1", DEMO="1", TWO_FACTOR_REQUIRED="0")
    assert demo.returncode == 0, demo.stderr


def test_the_menu_is_hidden_until_the_second_step(client, referrer):
    log_in(client, referrer)
    page = client.get("/accounts/two-factor/setup/").content.decode()
    assert 'href="/referrals/"' not in page
    assert 'action="/accounts/logout/"' in page  # logging out stays possible
