"""E-mail about referrals (logistics.referrals.notifications): the referrer's about a decision
and a delivery, the coordinators' about referrals waiting for them; sent after the commit, to whom
still refers for the organisation, in the recipient's language, with links and no family details,
and never in the way of the change."""

import re

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from logistics.distribution import services as distribution
from logistics.models import Referral, ReferralMail, ReferralMailSettings, ReferralStatus
from logistics.referrals import services
from startpakket.roles import Role
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    make_referral,
    referral_input,
    stock_for_kits,
)
from tests.helpers import approved_kits, referral_payload

pytestmark = pytest.mark.django_db


def test_a_mail_server_that_is_down_does_not_undo_or_hide_the_decision(
        coordinator_client, referrer, warehouse, monkeypatch, django_capture_on_commit_callbacks):
    stock_for_kits(warehouse, 1)
    referral = make_referral(referrer)

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("logistics.referrals.notifications.send_mail", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(f"/referrals/{referral.code}/approve/",
                                           {"warehouse": warehouse.pk})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.APPROVED


def test_only_a_referrer_still_at_the_organisation_gets_mail(referrer, coordinator,
                                                             django_capture_on_commit_callbacks):
    referral = make_referral(referrer)
    referrer.organisation = OrganisationFactory()
    referrer.save(update_fields=["organisation"])
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_referral(referral=referral, user=coordinator, reason="Te hoog")
    assert mail.outbox == []


# Issue 15 point 4: who hears what, in her own language, with links and without the family.

SITE = "https://startpakket.example.org"
# What the family typed in (tests.factories.referral_input / tests.helpers.referral_payload):
# none of it belongs in an e-mail.
FAMILY = ["Samira", "Bakker", "Dorpsstraat", "3511", "1200", "Utrecht", "0612345678",
          "samira@example.org"]


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def assert_no_family_details(message):
    for detail in FAMILY:
        assert detail not in message.subject and detail not in message.body, detail


def links(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def test_coordinators_who_want_each_hear_of_a_new_referral_in_their_language(
        token_client, referrer, coordinator, django_capture_on_commit_callbacks):
    english = UserFactory(role=Role.COORDINATOR, language="en")
    digest = UserFactory(role=Role.COORDINATOR)
    ReferralMailSettings.objects.create(user=digest, choice=ReferralMail.DIGEST)
    UserFactory(role=Role.COORDINATOR, is_active=False)
    UserFactory(role=Role.COORDINATOR, email="")
    UserFactory(role=Role.WAREHOUSE)
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(referrer).post("/api/v1/referrals/", referral_payload(),
                                               format="json")
    assert response.status_code == 201
    code = response.json()["code"]
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {coordinator.email, english.email}
    dutch, in_english = by_recipient[coordinator.email], by_recipient[english.email]
    assert dutch.subject == f"Nieuwe aanmelding {code}"
    assert in_english.subject == f"New referral {code}"
    assert "waits for your decision" in in_english.body
    for message in (dutch, in_english):
        assert_no_family_details(message)
        assert links(message) == [f"{SITE}/referrals/{code}/", f"{SITE}/accounts/settings/"]


def test_an_answer_or_a_correction_tells_the_coordinators_again(
        client, referrer, coordinator, django_capture_on_commit_callbacks):
    referral = make_referral(referrer)
    services.ask_for_information(referral=referral, user=coordinator, reason="Klopt het?")
    client.force_login(referrer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/referrals/{referral.code}/resubmit/", {"reason": "Ja, sinds maart."})
    (message,) = mail.outbox
    assert message.to == [coordinator.email]
    assert message.subject == f"Aanmelding {referral.code} beantwoord"
    assert "Ja, sinds maart" not in message.body and "Klopt het" not in message.body
    assert links(message)[0] == f"{SITE}/referrals/{referral.code}/"

    mail.outbox.clear()
    services.ask_for_information(referral=referral, user=coordinator, reason="En nu?")
    with django_capture_on_commit_callbacks(execute=True):
        services.update_referral(referral=referral, user=referrer, data=referral_input(),
                                 answer="Inkomen aangepast")
    (message,) = mail.outbox
    assert message.to == [coordinator.email] and referral.code in message.subject
    assert_no_family_details(message)


def test_the_nurse_hears_of_delivery_and_of_a_failed_one_in_her_language(
        warehouse_client, warehouse, warehouse_user, coordinator, referrer,
        django_capture_on_commit_callbacks):
    referrer.language = "en"
    referrer.save(update_fields=["language"])
    delivered, failed = approved_kits(warehouse, coordinator, referrer, 2)
    pick_list = distribution.create_pick_list(warehouse=warehouse, user=warehouse_user)
    distribution.pack(pick_list=pick_list, user=warehouse_user)
    with django_capture_on_commit_callbacks(execute=True):
        warehouse_client.post(f"/referrals/{delivered.code}/deliver/",
                              {"delivered_on": timezone.localdate().isoformat()})
        warehouse_client.post(f"/referrals/{failed.code}/delivery-failed/",
                              {"reason": "Niemand thuis"})
    # The delivered first kit's follow-up kit is planned, and she hears of that too.
    first, planned, second = mail.outbox
    follow_up = Referral.objects.get(follows=delivered)
    assert first.to == planned.to == second.to == [referrer.email]
    assert first.subject == f"Referral {delivered.code}: kit delivered"
    assert planned.subject == f"Follow-up kit {follow_up.code} planned"
    assert delivered.code in planned.body
    assert second.subject == f"Referral {failed.code}: delivery failed"
    assert "Niemand thuis" not in second.body
    for message, referral in ((first, delivered), (planned, follow_up), (second, failed)):
        assert links(message) == [f"{SITE}/referrals/{referral.code}/"]
        assert "Achternaam" not in message.body  # approved_kits' family names
        assert_no_family_details(message)


def test_a_nurse_without_a_language_choice_gets_dutch(referrer, coordinator,
                                                       django_capture_on_commit_callbacks):
    referral = make_referral(referrer)
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_referral(referral=referral, user=coordinator, reason="Te hoog")
    (message,) = mail.outbox
    assert message.subject == f"Aanmelding {referral.code} afgewezen"
    assert links(message) == [f"{SITE}/referrals/{referral.code}/"]


def test_a_rolled_back_delivery_mails_nobody(referrer, coordinator, warehouse, warehouse_user,
                                             django_capture_on_commit_callbacks):
    (referral,) = approved_kits(warehouse, coordinator, referrer, 1)
    pick_list = distribution.create_pick_list(warehouse=warehouse, user=warehouse_user)
    distribution.pack(pick_list=pick_list, user=warehouse_user)
    with (django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError),
          transaction.atomic()):
        distribution.record_delivery(referral=referral, user=warehouse_user)
        raise RuntimeError("something after it failed")
    assert mail.outbox == []
