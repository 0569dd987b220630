"""Every error kind of the API answers application/problem+json (DESIGN §7.2)."""

import pytest
from django.test import Client

from startpakket.api.problems import flatten_errors

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.startpakket.error_views")]

PROBLEM = "application/problem+json"


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    return body


def test_401_without_credentials(api_client):
    body = assert_problem(api_client.get("/api/v1/me/"), 401)
    assert body["code"] == "not_authenticated"


def test_401_with_a_wrong_token(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api_client.get("/api/v1/me/")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Token"


def test_400_validation_errors_are_keyed_by_dotted_field_paths(api_client):
    response = api_client.post(
        "/api/v1/test/validate/",
        {"household": {"applicant_age": -1}, "incomes": [{"kind": "wages", "amount": "10"},
                                                          {"kind": "lottery", "amount": "x"}]},
        format="json",
    )
    body = assert_problem(response, 400)
    assert set(body["errors"]) == {"household.applicant_age", "incomes.1.kind", "incomes.1.amount"}
    assert all(isinstance(m, str) for messages in body["errors"].values() for m in messages)


def test_400_non_field_errors(api_client):
    incomes = [{"kind": "wages", "amount": "1"}] * 4
    response = api_client.post(
        "/api/v1/test/validate/",
        {"household": {"applicant_age": 30}, "incomes": incomes},
        format="json",
    )
    body = assert_problem(response, 400)
    assert body["errors"] == {"non_field_errors": ["Too many incomes."]}


def test_400_malformed_json(api_client):
    response = api_client.post(
        "/api/v1/test/validate/", data="{not json", content_type="application/json"
    )
    body = assert_problem(response, 400)
    assert body["code"] == "parse_error"


def test_400_from_a_django_validation_error(api_client):
    body = assert_problem(api_client.post("/api/v1/test/django-validation/"), 400)
    assert body["errors"] == {"postcode": ["Not a Dutch postcode."]}


def test_404_for_an_unknown_api_url(api_client, coordinator):
    api_client.force_authenticate(coordinator)
    assert_problem(api_client.get("/api/v1/does-not-exist/"), 404)


def test_404_outside_drf_is_problem_json_too(client):
    assert_problem(client.get("/api/v2/nothing/"), 404)


def test_405_method_not_allowed(api_client, coordinator):
    api_client.force_authenticate(coordinator)
    body = assert_problem(api_client.delete("/api/v1/me/"), 405)
    assert body["code"] == "method_not_allowed"


def test_415_unsupported_media_type(api_client):
    response = api_client.post("/api/v1/test/validate/", data="a=1", content_type="text/plain")
    assert_problem(response, 415)


def test_409_domain_conflict_carries_its_extra_members(api_client):
    body = assert_problem(api_client.post("/api/v1/test/conflict/"), 409)
    assert body["short"] == [{"item": "LUIER-1", "needed": 2, "available": 1}]
    assert body["code"] == "conflict"


def test_422_unprocessable(api_client):
    assert_problem(api_client.post("/api/v1/test/unprocessable/"), 422)


def test_500_reveals_no_internals():
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/test/crash/")
    body = assert_problem(response, 500)
    assert "hunter2" not in response.content.decode()
    assert "RuntimeError" not in response.content.decode()
    assert set(body) == {"type", "title", "status", "detail"}


def test_500_page_outside_the_api_is_a_plain_html_page():
    client = Client(raise_request_exception=False)
    response = client.get("/test/crash/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "Er ging iets mis" in response.content.decode()
    assert "hunter2" not in response.content.decode()


def test_errors_are_translated_by_accept_language(api_client):
    dutch = api_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="nl").json()["detail"]
    english = api_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert english == "Authentication credentials were not provided."
    assert dutch != english


@pytest.mark.parametrize(
    ("detail", "expected"),
    [
        ({"a": ["x"]}, {"a": ["x"]}),
        ({"a": {"b": ["x"], "c": {"d": ["y"]}}}, {"a.b": ["x"], "a.c.d": ["y"]}),
        ({"lines": [{}, {"qty": ["x"]}]}, {"lines.1.qty": ["x"]}),
        (["x", "y"], {"non_field_errors": ["x", "y"]}),
        ("x", {"non_field_errors": ["x"]}),
    ],
)
def test_flatten_errors(detail, expected):
    assert flatten_errors(detail) == expected
