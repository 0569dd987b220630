"""The coordinators' daily e-mail (``manage.py send_digest``, issue 15 point 4): chosen on the
settings page, it lists the referrals that came in or were answered since the last one, each
once, in the coordinator's language, by code and link only."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from logistics.models import ReferralMail, ReferralMailSettings, ReferralStatusChange
from logistics.referrals import notifications, services
from startpakket.roles import Role
from tests.factories import UserFactory, make_referral

pytestmark = pytest.mark.django_db

SITE = "https://startpakket.example.org"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def choose(client, user, choice):
    client.force_login(user)
    response = client.post("/accounts/settings/", {"account-language": user.language,
                                                    "referral_mail-choice": choice})
    assert response.status_code == 302


def time_passes():
    """Ten minutes pass: everything so far happened ten minutes earlier."""
    ago = datetime.timedelta(minutes=10)
    ReferralMailSettings.objects.update(digest_up_to=F("digest_up_to") - ago)
    ReferralStatusChange.objects.update(at=F("at") - ago)


def send_digest() -> list:
    before = len(mail.outbox)
    call_command("send_digest", verbosity=0)
    return mail.outbox[before:]


def test_the_digest_lists_new_and_answered_referrals_once(
        client, referrer, coordinator, django_capture_on_commit_callbacks):
    each = UserFactory(role=Role.COORDINATOR)
    asked = make_referral(referrer, parent_first_name="Olena")
    services.ask_for_information(referral=asked, user=coordinator, reason="Partner?")
    choose(client, coordinator, ReferralMail.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        new = make_referral(referrer)
        decided = make_referral(referrer)
        services.resubmit_referral(referral=asked, user=referrer, reason="Nee")
    # The coordinator who wants each heard of all three; the digest coordinator of none yet.
    assert {m.to[0] for m in mail.outbox} == {each.email}
    services.reject_referral(referral=decided, user=each, reason="Te hoog")
    time_passes()

    (digest,) = send_digest()
    assert digest.to == [coordinator.email]
    assert digest.subject == "Dagoverzicht: 3 nieuwe of beantwoorde aanmeldingen"
    body = digest.body
    assert "2 nieuwe aanmeldingen:" in body and "1 aanmelding beantwoord of gecorrigeerd:" in body
    assert body.index(new.code) < body.index(decided.code) < body.index(asked.code)
    assert f"{decided.code}  {SITE}/referrals/{decided.code}/  (nu: afgewezen)" in body
    assert all(link.startswith(SITE) for link in re.findall(r"https?://\S+", body))
    assert f"{SITE}/referrals/queue/" in body and f"{SITE}/accounts/settings/" in body
    for detail in ("Samira", "Olena", "Bakker", "Dorpsstraat", "3511", "1200", "Partner?",
                   "Nee", "Te hoog"):
        assert detail not in body, detail

    assert send_digest() == []  # the same period is not sent twice
    with django_capture_on_commit_callbacks(execute=True):
        later = make_referral(referrer)
    time_passes()
    (next_one,) = [m for m in send_digest() if m.to == [coordinator.email]]
    assert later.code in next_one.body and new.code not in next_one.body


def test_the_digest_is_in_the_coordinators_language(client, referrer, coordinator):
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    choose(client, coordinator, ReferralMail.DIGEST)
    referral = make_referral(referrer)
    time_passes()
    (digest,) = send_digest()
    assert digest.subject == "Daily overview: 1 new or answered referral"
    assert f"1 new referral:\n- {referral.code}  {SITE}/referrals/{referral.code}/" in digest.body


def test_nothing_new_sends_nothing(client, coordinator):
    choose(client, coordinator, ReferralMail.DIGEST)
    time_passes()
    assert send_digest() == []


def test_a_failed_mail_is_sent_by_the_next_run(client, referrer, coordinator, monkeypatch):
    choose(client, coordinator, ReferralMail.DIGEST)
    referral = make_referral(referrer)
    time_passes()

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    with monkeypatch.context() as patched:
        patched.setattr("logistics.referrals.notifications.send_mail", refuse)
        assert send_digest() == []
    (digest,) = send_digest()
    assert referral.code in digest.body
    assert send_digest() == []


def test_a_referral_of_the_last_minute_is_in_the_next_digest(client, referrer, coordinator):
    choose(client, coordinator, ReferralMail.DIGEST)
    ReferralMailSettings.objects.update(digest_up_to=timezone.now() - datetime.timedelta(hours=1))
    referral = make_referral(referrer)  # its transaction may still be open when cron runs
    assert notifications.send_digests() == 0
    assert notifications.send_digests(now=timezone.now() + datetime.timedelta(minutes=2)) == 1
    assert referral.code in mail.outbox[-1].body


def test_leaving_the_digest_sends_what_it_would_have_held(
        client, referrer, coordinator, django_capture_on_commit_callbacks):
    choose(client, coordinator, ReferralMail.DIGEST)
    pending = make_referral(referrer)
    time_passes()
    choose(client, coordinator, ReferralMail.EACH)
    (digest,) = mail.outbox
    assert pending.code in digest.body and digest.to == [coordinator.email]
    with django_capture_on_commit_callbacks(execute=True):
        each = make_referral(referrer)
    assert mail.outbox[-1].subject == f"Nieuwe aanmelding {each.code}"
    time_passes()
    assert send_digest() == []
