"""Authenticator secrets and backup codes are never shown after setup (issue 13, point 2): in the
admin a coordinator, and a superuser too, sees only that a device exists and may delete it."""

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from startpakket.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOTP = "/admin/otp_totp/totpdevice/"
STATIC = "/admin/otp_static/staticdevice/"
BACKUP_CODE = "kq7x2m9p"


@pytest.fixture
def devices(referrer):
    totp = TOTPDevice.objects.create(user=referrer, name="app", confirmed=True)
    static = StaticDevice.objects.create(user=referrer, name="backup", confirmed=True)
    StaticToken.objects.create(device=static, token=BACKUP_CODE)
    return totp, static


@pytest.fixture(params=["coordinator", "superuser"])
def admin_client(request, db):
    if request.param == "coordinator":
        user = UserFactory(role=Role.COORDINATOR)
    else:
        user = UserFactory(role=Role.COORDINATOR, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def secrets_of(totp: TOTPDevice) -> list[str]:
    # The key as stored (hex), as an authenticator app gets it (base32, in the config URL).
    return [totp.key, totp.config_url.split("secret=")[1].split("&")[0]]


def assert_no_secret(response, totp, *, links=True):
    text = response.content.decode()
    for secret in [*secrets_of(totp), BACKUP_CODE]:
        assert secret not in text
    if links:  # (an error page names its own address, in the language switch)
        assert "/config/" not in text and "/qrcode/" not in text


def test_the_config_and_qr_views_are_gone(admin_client, devices):
    totp, _ = devices
    for view in ("config", "qrcode"):
        response = admin_client.get(f"{TOTP}{totp.pk}/{view}/")
        assert response.status_code in {403, 404}, view
        assert_no_secret(response, totp, links=False)


def test_the_lists_show_devices_but_no_secret(admin_client, devices):
    totp, static = devices
    for url in (TOTP, STATIC):
        response = admin_client.get(url)
        assert response.status_code == 200
        assert f"{static.user}" in response.content.decode()
        assert_no_secret(response, totp)


def test_a_device_page_shows_name_user_and_confirmed_only(admin_client, devices):
    totp, static = devices
    for url in (f"{TOTP}{totp.pk}/change/", f"{STATIC}{static.pk}/change/"):
        response = admin_client.get(url)
        assert response.status_code == 200
        assert_no_secret(response, totp)
        text = response.content.decode()
        assert 'name="key"' not in text and "token_set" not in text
        # Read-only: nothing to send back.
        assert '<input type="submit"' not in text and 'name="_save"' not in text


def test_nobody_adds_a_device_or_changes_one(admin_client, devices, referrer):
    totp, _ = devices
    assert admin_client.get(f"{TOTP}add/").status_code == 403
    assert admin_client.get(f"{STATIC}add/").status_code == 403
    response = admin_client.post(f"{TOTP}add/", {
        "user": referrer.pk, "name": "mine", "key": "00" * 20, "step": 30, "t0": 0,
        "digits": 6, "tolerance": 1, "drift": 0, "confirmed": "on"})
    assert response.status_code == 403
    response = admin_client.post(f"{TOTP}{totp.pk}/change/", {
        "user": referrer.pk, "name": "app", "key": "00" * 20, "step": 30, "t0": 0,
        "digits": 6, "tolerance": 1, "drift": 0, "confirmed": "on"})
    assert response.status_code == 403
    assert TOTPDevice.objects.get().key == totp.key
    assert list(StaticToken.objects.values_list("token", flat=True)) == [BACKUP_CODE]


def test_a_coordinator_deletes_a_lost_phones_devices(admin_client, devices):
    totp, static = devices
    for url in (f"{TOTP}{totp.pk}/delete/", f"{STATIC}{static.pk}/delete/"):
        assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.exists()
    assert not StaticDevice.objects.exists()


def test_a_coordinator_cannot_remove_a_superusers_authenticator_or_token():
    """Removing it would lock the superuser out: only accounts she may manage are listed."""
    from startpakket.tokens import create_token

    superuser = UserFactory(role=Role.COORDINATOR, is_superuser=True)
    device = TOTPDevice.objects.create(user=superuser, name="app", confirmed=True)
    create_token(user=superuser, name="token-van-de-beheerder")
    client = Client()
    client.force_login(UserFactory(role=Role.COORDINATOR))

    assert superuser.username not in client.get(TOTP).content.decode()
    assert client.get(f"{TOTP}{device.pk}/delete/").status_code == 302  # "does not exist"
    client.post(f"{TOTP}{device.pk}/delete/", {"post": "yes"})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    tokens = client.get("/admin/startpakket/apitoken/").content.decode()
    assert "token-van-de-beheerder" not in tokens
