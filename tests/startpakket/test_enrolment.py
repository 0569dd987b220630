"""Linking an authenticator app needs a one-time enrolment link besides the password (issue 13,
point 3): the second step is bound to something a password thief lacks."""

import hashlib
import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from startpakket import enrolment
from startpakket.models import EnrolmentLink, User
from startpakket.roles import Role
from tests.factories import TEST_PASSWORD, OrganisationFactory, UserFactory
from tests.startpakket.test_two_factor import current_code, log_in

pytestmark = pytest.mark.django_db

SETUP = "/accounts/two-factor/setup/"
ASK = "Vraag een coördinator om een nieuwe activatielink."


@pytest.fixture(autouse=True)
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def path_of(url: str) -> str:
    assert url.startswith(settings.SITE_URL + "/accounts/two-factor/enrol/")
    return url.removeprefix(settings.SITE_URL)


def link_in(text: str) -> str:
    return path_of(re.search(r"http\S+/accounts/two-factor/enrol/[\w-]+/", text).group())


def link_app(client, user) -> None:
    """Open the setup page and confirm a code: the app is linked."""
    page = client.get(SETUP)
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(SETUP, {"code": current_code(device)})
    assert done.status_code == 200
    assert len(re.findall(r"<code>(\w+)</code>", done.content.decode())) == 10


def refused(response) -> bool:
    return response.status_code == 403 and ASK in response.content.decode()


def test_setup_is_refused_without_a_link(client, referrer):
    log_in(client, referrer)
    assert client.get("/").headers["Location"].startswith(SETUP)  # sent there, and ...
    assert refused(client.get(SETUP))  # ... told to ask for a link
    assert refused(client.post(SETUP, {"code": "123456"}))
    assert not TOTPDevice.objects.filter(user=referrer).exists()


def test_a_valid_link_works_once(client, referrer):
    link = path_of(enrolment.issue_link(referrer))
    # Opened before logging in: on to the login, then to the setup.
    response = client.get(link)
    assert response.headers["Location"] == SETUP
    assert client.get(SETUP).headers["Location"].startswith("/accounts/login/")
    log_in(client, referrer)
    link_app(client, referrer)
    assert client.get("/").status_code == 200
    assert EnrolmentLink.objects.get(user=referrer).used_at is not None

    client.post("/accounts/logout/")
    assert refused(client.get(link))


def test_a_used_link_links_no_second_app_after_a_reset_of_the_device(client, referrer):
    """Someone who saw the link once cannot use it after the owner's app is removed."""
    link = path_of(enrolment.issue_link(referrer))
    client.get(link)
    log_in(client, referrer)
    link_app(client, referrer)
    client.post("/accounts/logout/")
    for device in devices_for_user(referrer, confirmed=None):  # a coordinator deleted them
        device.delete()
    assert refused(client.get(link))
    log_in(client, referrer)
    assert refused(client.get(SETUP))


def test_an_expired_link_is_refused(client, referrer):
    link = path_of(enrolment.issue_link(referrer))
    EnrolmentLink.objects.update(created_at=EnrolmentLink.objects.get().created_at
                                 - timedelta(hours=48, seconds=1))
    assert refused(client.get(link))
    log_in(client, referrer)
    assert refused(client.get(SETUP))


def test_a_link_that_expires_after_opening_it_is_refused_at_setup(client, referrer):
    link = path_of(enrolment.issue_link(referrer))
    client.get(link)
    log_in(client, referrer)
    assert client.get(SETUP).status_code == 200
    EnrolmentLink.objects.update(created_at=EnrolmentLink.objects.get().created_at
                                 - timedelta(hours=49))
    assert refused(client.get(SETUP))


def test_a_link_is_valid_for_48_hours(client, referrer):
    link = path_of(enrolment.issue_link(referrer))
    EnrolmentLink.objects.update(created_at=EnrolmentLink.objects.get().created_at
                                 - timedelta(hours=47, minutes=59))
    client.get(link)
    log_in(client, referrer)
    link_app(client, referrer)


def test_another_users_link_is_refused(client, referrer):
    thief = UserFactory()
    link = path_of(enrolment.issue_link(referrer))
    # Logged in as someone else: refused at the link.
    log_in(client, thief)
    assert refused(client.get(link))
    assert refused(client.get(SETUP))
    client.post("/accounts/logout/")
    # Opened anonymously, then logged in as someone else: refused at the setup.
    client.get(link)
    log_in(client, thief)
    assert refused(client.get(SETUP))
    assert not TOTPDevice.objects.filter(user=thief).exists()


def test_a_new_link_voids_the_old_one_and_removes_the_app(client, referrer):
    old = path_of(enrolment.issue_link(referrer))
    TOTPDevice.objects.create(user=referrer, name="app", confirmed=True)
    new = path_of(enrolment.issue_link(referrer))
    assert not TOTPDevice.objects.filter(user=referrer).exists()
    assert refused(client.get(old))
    client.get(new)
    log_in(client, referrer)
    link_app(client, referrer)


def test_only_a_hash_of_the_token_is_stored(referrer):
    token = path_of(enrolment.issue_link(referrer)).rstrip("/").rsplit("/", 1)[1]
    stored = EnrolmentLink.objects.get()
    assert stored.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(EnrolmentLink.objects.values().get())


class FakeStdin(io.StringIO):
    def isatty(self):
        return False


def test_add_user_prints_a_working_link(client):
    OrganisationFactory(code="jgz-utrecht")
    out = io.StringIO()
    call_command("add_user", "anne", "--role", "referrer", "--organisation", "jgz-utrecht",
                 stdin=FakeStdin(TEST_PASSWORD + "\n"), stdout=out)
    anne = User.objects.get(username="anne")
    client.get(link_in(out.getvalue()))
    log_in(client, anne)
    link_app(client, anne)


def test_add_user_mails_the_link_when_mail_is_configured(client, settings,
                                                       django_capture_on_commit_callbacks):
    settings.EMAIL_CONFIGURED = True
    OrganisationFactory(code="jgz-utrecht")
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
            call_command("add_user", "anne", "--role", "referrer", "--organisation",
                     "jgz-utrecht", "--email", "anne@example.org",
                     stdin=FakeStdin(TEST_PASSWORD + "\n"), stdout=out)
    assert "/enrol/" not in out.getvalue() and "anne@example.org" in out.getvalue()
    [message] = mail.outbox
    assert message.to == ["anne@example.org"]
    client.get(link_in(message.body))
    log_in(client, User.objects.get(username="anne"))
    link_app(client, User.objects.get(username="anne"))


def test_the_enrolment_link_command_resets_a_user(client, referrer):
    TOTPDevice.objects.create(user=referrer, name="app", confirmed=True)
    out = io.StringIO()
    call_command("enrolment_link", referrer.username, stdout=out)
    assert not TOTPDevice.objects.filter(user=referrer).exists()
    client.get(link_in(out.getvalue()))
    log_in(client, referrer)
    link_app(client, referrer)


def test_a_coordinator_who_adds_a_user_sees_the_link(verified_coordinator_client):
    client = verified_coordinator_client
    organisation = OrganisationFactory(code="magazijn-noord", warehouse=True)
    response = client.post("/admin/startpakket/user/add/", {
        "username": "kees", "organisation": organisation.pk, "role": "warehouse",
        "password1": TEST_PASSWORD, "password2": TEST_PASSWORD, "usable_password": "true"},
        follow=True)
    assert response.status_code == 200
    link = link_in(response.content.decode())
    client.logout()
    client.get(link)
    log_in(client, User.objects.get(username="kees"))
    link_app(client, User.objects.get(username="kees"))


def test_with_mail_configured_the_link_is_mailed_not_shown(
        verified_coordinator_client, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_CONFIGURED = True
    client = verified_coordinator_client
    referrer = UserFactory(email="anne@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/startpakket/user/", {
            "action": "new_enrolment_link", "_selected_action": [referrer.pk]}, follow=True)
    assert "/enrol/" not in response.content.decode()
    assert "anne@example.org" in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["anne@example.org"] and "/enrol/" in message.body


def test_a_coordinator_resets_a_lost_phone(verified_coordinator_client):
    client = verified_coordinator_client
    referrer = UserFactory(role=Role.REFERRER)
    TOTPDevice.objects.create(user=referrer, name="app", confirmed=True)
    response = client.post("/admin/startpakket/user/", {
        "action": "new_enrolment_link", "_selected_action": [referrer.pk]}, follow=True)
    link = link_in(response.content.decode())
    assert not TOTPDevice.objects.filter(user=referrer).exists()
    client.logout()
    client.get(link)
    log_in(client, referrer)
    link_app(client, referrer)


def test_the_demo_keeps_two_step_login_off(client, referrer, settings):
    settings.TWO_FACTOR_REQUIRED = False
    log_in(client, referrer)
    assert client.get("/").status_code == 200
