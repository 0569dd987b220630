"""``Idempotency-Key`` on POST (DESIGN §7.2), through the referral endpoint that honours it: a
retry replays the first answer, another body with the same key is a 422, keys last a day, and two
identical requests at the same moment create one referral."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from logistics.models import Referral
from startpakket import tokens
from startpakket.api.idempotency import MAX_KEY_LENGTH
from startpakket.models import IdempotencyKey
from startpakket.roles import Role
from tests.factories import UserFactory
from tests.helpers import referral_payload, run_at_once

pytestmark = pytest.mark.django_db

URL = "/api/v1/referrals/"


def post(api, body, key):
    return api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_the_same_key_and_body_replays_the_first_answer(token_client, referrer):
    api = token_client(referrer)
    first = post(api, referral_payload(), "retry-1")
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first

    again = post(api, referral_payload(), "retry-1")

    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Referral.objects.count() == 1
    stored = IdempotencyKey.objects.get()
    assert (stored.user, stored.key, stored.method, stored.path, stored.response_status) == (
        referrer, "retry-1", "POST", URL, 201)


def test_the_same_content_in_another_layout_is_the_same_request(token_client, referrer):
    api = token_client(referrer)
    body = referral_payload()
    first = post(api, body, "layout")
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=4)
    again = api.post(URL, reordered, content_type="application/json",
                     HTTP_IDEMPOTENCY_KEY="layout")
    assert (again.status_code, again.json()) == (201, first.json())
    assert Referral.objects.count() == 1


def test_the_same_key_with_another_body_is_a_422(token_client, referrer):
    api = token_client(referrer)
    assert post(api, referral_payload(), "once").status_code == 201

    response = post(api, referral_payload(parent_first_name="Fatima"), "once")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "idempotency_key_reused"
    assert Referral.objects.count() == 1


def test_keys_belong_to_one_user(token_client, referrer):
    colleague = UserFactory(role=Role.REFERRER, organisation=referrer.organisation)
    first = post(token_client(referrer), referral_payload(), "shared")
    second = post(token_client(colleague), referral_payload(), "shared")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["code"] != second.json()["code"]
    assert Referral.objects.count() == 2


def test_without_a_key_every_post_creates(token_client, referrer):
    api = token_client(referrer)
    assert api.post(URL, referral_payload(), format="json").status_code == 201
    assert api.post(URL, referral_payload(), format="json").status_code == 201
    assert Referral.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


def test_a_key_is_kept_for_a_day(token_client, referrer):
    api = token_client(referrer)
    first = post(api, referral_payload(), "daily")
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=23))
    assert post(api, referral_payload(), "daily").json() == first.json()

    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    later = post(api, referral_payload(parent_first_name="Fatima"), "daily")

    assert later.status_code == 201
    assert later.json()["code"] != first.json()["code"]
    assert Referral.objects.count() == 2
    (stored,) = IdempotencyKey.objects.all()  # the old one is gone
    assert stored.response_body["code"] == later.json()["code"]


def test_a_request_forgets_no_other_keys_the_daily_command_does(token_client, referrer):
    # Deleting expired keys on every request cost a write transaction each (issue #18).
    post(token_client(UserFactory(role=Role.REFERRER)), referral_payload(), "old")
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(days=2))
    post(token_client(referrer), referral_payload(), "new")
    assert sorted(IdempotencyKey.objects.values_list("key", flat=True)) == ["new", "old"]

    call_command("forget_idempotency_keys", stdout=io.StringIO())
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_a_refused_request_keeps_no_key_so_it_can_be_corrected(token_client, referrer):
    api = token_client(referrer)
    refused = post(api, referral_payload(postcode="0000 XX"), "fix-me")
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()
    refused = post(api, referral_payload(household={"applicant_age": 30, "has_partner": True}),
                   "fix-me")
    assert refused.status_code == 400  # refused by the service, after the key was claimed
    assert not IdempotencyKey.objects.exists()

    assert post(api, referral_payload(), "fix-me").status_code == 201
    assert Referral.objects.count() == 1


@pytest.mark.parametrize("key", ["", "   ", "x" * (MAX_KEY_LENGTH + 1), "tab\tkey"])
def test_an_empty_or_overlong_key_is_a_400(token_client, referrer, key):
    response = post(token_client(referrer), referral_payload(), key)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "Idempotency-Key" in response.json()["errors"]
    assert not Referral.objects.exists()
    assert not IdempotencyKey.objects.exists()


def test_a_key_of_the_longest_length_is_fine(token_client, referrer):
    key = "k" * MAX_KEY_LENGTH
    api = token_client(referrer)
    assert post(api, referral_payload(), key).status_code == 201
    assert post(api, referral_payload(), key)["Idempotent-Replayed"] == "true"


def test_the_key_does_not_open_other_doors(token_client, warehouse_user):
    response = post(token_client(warehouse_user), referral_payload(), "no-access")
    assert response.status_code == 403
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_identical_requests_at_the_same_moment_create_one_referral():
    # A committing test: the shipped groups, norms and kit types are its own to load.
    call_command("install_defaults", verbosity=0)
    referrer = UserFactory(role=Role.REFERRER)
    key = tokens.create_token(user=referrer, name="test")[1]
    body = referral_payload()

    def submit():
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        response = post(api, body, "double-click")
        return response.status_code, response.json(), response.get("Idempotent-Replayed")

    results = run_at_once(submit, times=4)

    assert all(isinstance(result, tuple) for result in results), results
    assert {status for status, _, _ in results} == {201}, results
    assert len({answer["code"] for _, answer, _ in results}) == 1
    assert sorted(str(replayed) for _, _, replayed in results) == [
        "None", "true", "true", "true"]
    assert Referral.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1


def test_the_daily_command_forgets_keys_older_than_a_day(db):
    import datetime
    import io

    from django.core.management import call_command
    from django.utils import timezone

    from startpakket.models import IdempotencyKey
    from tests.factories import UserFactory

    user = UserFactory()
    old = IdempotencyKey.objects.create(user=user, key="old", method="POST", path="/x/",
                                        body_sha256="0" * 64)
    IdempotencyKey.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25))
    IdempotencyKey.objects.create(user=user, key="new", method="POST", path="/x/",
                                  body_sha256="0" * 64)
    out = io.StringIO()
    call_command("forget_idempotency_keys", stdout=out)
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    assert "1" in out.getvalue()
