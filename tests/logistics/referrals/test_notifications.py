"""The referrer's e-mail about a decision (logistics.referrals.notifications): sent after the
commit, to whom still refers for the organisation, and never in the way of the decision."""

import pytest
from django.core import mail

from logistics.models import ReferralStatus
from logistics.referrals import services
from tests.factories import OrganisationFactory, make_referral, stock_for_kits

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
