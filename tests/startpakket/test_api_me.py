import io

import pytest
from django.core.management import call_command

from startpakket.roles import Role
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_me_answers_role_and_organisation_for_a_token_from_drf_create_token(api_client):
    organisation = OrganisationFactory(code="stichting-x", name="Stichting X", foundation=True)
    UserFactory(username="coordinator", organisation=organisation)
    out = io.StringIO()
    call_command("drf_create_token", "coordinator", verbosity=0, stdout=out)
    key = out.getvalue().split()[2]  # DRF's "Generated token KEY for user USERNAME"

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api_client.get("/api/v1/me/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "username": "coordinator",
        "role": "coordinator",
        "organisation": {"code": "stichting-x", "name": "Stichting X", "kind": "foundation"},
    }


@pytest.mark.parametrize("role", list(Role))
def test_me_for_every_role(token_client, role):
    user = UserFactory(role=role)
    body = token_client(user).get("/api/v1/me/").json()
    assert body["role"] == role.value
    assert body["organisation"]["code"] == user.organisation.code


def test_me_with_a_session(referrer_client):
    assert referrer_client.get("/api/v1/me/").json()["role"] == "referrer"


def test_an_inactive_users_token_is_refused(token_client):
    user = UserFactory()
    api = token_client(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert api.get("/api/v1/me/").status_code == 401


def test_me_takes_a_constant_number_of_queries(token_client, django_assert_num_queries):
    api = token_client(UserFactory())
    # token with user and organisation, the user's groups (for the role)
    with django_assert_num_queries(2):
        api.get("/api/v1/me/")


def test_the_openapi_schema_describes_me(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/me/" in schema["paths"]
