"""Edges found in review: odd codes, mail failures, who gets mail, what volunteers still see,
double submits, extensions, empty kit types."""

import uuid

import pytest
from django.core import mail

from logistics.models import KitType, Referral, ReferralStatus
from logistics.referrals import services
from startpakket.roles import Role
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    make_referral,
    referral_input,
    stock_for_kits,
)
from tests.logistics.test_referral_pages import NEW, form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["%00/", "%00/approve/", "bsp-2026-00001/", "BSP-26-1/cancel/"])
def test_a_code_of_the_wrong_shape_is_404_in_the_api(token_client, coordinator, path):
    assert token_client(coordinator).get(f"/api/v1/referrals/{path}").status_code == 404


def test_an_over_long_email_is_a_field_error_on_the_form(referrer_client):
    response = referrer_client.post(NEW, {**form_data(email="a" * 250 + "@x.nl"), "refer": "1"})
    assert "email" in response.context["form"].errors
    assert not Referral.objects.exists()


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


def test_volunteers_no_longer_see_a_cancelled_referral(token_client, warehouse_client,
                                                       warehouse_user, warehouse, referrer,
                                                       coordinator):
    stock_for_kits(warehouse, 1)
    referral = services.approve_referral(referral=make_referral(referrer), user=coordinator,
                                         warehouse=warehouse)
    assert warehouse_client.get(f"/referrals/{referral.code}/").status_code == 200
    services.cancel_referral(referral=referral, user=coordinator, reason="Verhuisd")
    assert warehouse_client.get(f"/referrals/{referral.code}/").status_code == 404
    api = token_client(warehouse_user)
    assert api.get(f"/api/v1/referrals/{referral.code}/").status_code == 404
    assert api.get("/api/v1/referrals/?status=cancelled").json()["count"] == 0


def test_the_nurses_form_sent_twice_stores_one_referral(referrer_client):
    data = {**form_data(), "refer": "1"}
    checked = referrer_client.post(NEW, {**form_data(token=data["token"]), "check": "1"})
    data["checked"] = checked.context["checked"]
    first = referrer_client.post(NEW, data)
    second = referrer_client.post(NEW, data)
    assert Referral.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]


def test_a_phone_extension_is_refused(referrer_client, token_client, referrer):
    response = referrer_client.post(NEW, {**form_data(phone="030 1234567 ext. 12"),
                                          "check": "1", "refer": "1"})
    assert "phone" in response.context["form"].errors
    from tests.logistics.test_api_referrals import payload

    answer = token_client(referrer).post("/api/v1/referrals/",
                                         payload(phone="+31 30 1234567 ext. 12"), format="json")
    assert answer.status_code == 400 and "phone" in answer.json()["errors"]
    assert not Referral.objects.exists()


def test_a_kit_type_without_contents_is_not_offered(referrer_client, token_client, referrer):
    KitType.objects.create(code="leeg", name="Leeg pakket")
    page = referrer_client.get(NEW).content.decode()
    assert 'value="leeg"' not in page
    from tests.logistics.test_api_referrals import payload

    answer = token_client(referrer).post("/api/v1/referrals/", payload(kit_type="leeg"),
                                         format="json")
    assert answer.status_code == 400 and "kit_type" in answer.json()["errors"]


def test_a_referrer_may_cancel_while_her_answer_is_awaited(referrer, coordinator):
    referral = make_referral(referrer)
    services.ask_for_information(referral=referral, user=coordinator, reason="Partner?")
    referral = services.cancel_referral(referral=referral, user=referrer, reason="Verhuisd")
    assert referral.status == ReferralStatus.CANCELLED


def test_another_organisations_referrer_cannot_answer(referrer, coordinator):
    from django.core.exceptions import PermissionDenied

    referral = make_referral(referrer)
    services.ask_for_information(referral=referral, user=coordinator, reason="Partner?")
    with pytest.raises(PermissionDenied):
        services.resubmit_referral(referral=referral, user=UserFactory(role=Role.REFERRER),
                                   reason="Ja")


def test_a_token_used_once_refuses_a_second_referral(referrer):
    token = uuid.uuid4()
    first = services.submit_referral(user=referrer, data=referral_input(), token=token)
    with pytest.raises(services.AlreadySubmitted) as error:
        services.submit_referral(user=referrer, data=referral_input(), token=token)
    assert error.value.referral == first
    assert Referral.objects.count() == 1
