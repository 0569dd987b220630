"""Requests that used to end in a 500 and now get a 400 (issue 13, point 5)."""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from eligibility import rules
from startpakket.api.parsers import JSONParser
from startpakket.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHECK_API = "/api/v1/eligibility/check/"
CHECK_PAGE = "/eligibility/check/"
HOUSEHOLD = {"applicant_age": 30, "has_partner": False, "children": 0}


@pytest.mark.parametrize("day", ["9999-12-31", "9999-01-01", "2200-06-15"])
def test_a_reference_date_far_ahead_is_a_field_error_in_the_api(token_client, day):
    api = token_client(UserFactory(role=Role.REFERRER))
    response = api.post(CHECK_API, {"reference_date": day, "household": HOUSEHOLD,
                                    "incomes": []}, format="json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["reference_date"]


def test_a_reference_date_far_ahead_is_a_field_error_on_the_page(referrer_client):
    response = referrer_client.post(CHECK_PAGE, {
        "reference_date": "9999-12-31", "applicant_age": "30", "children": "0",
        "income_wages": "1000"})
    assert response.status_code == 200
    assert response.context["form"].errors["reference_date"] == [
        "Kies een peildatum hooguit vijf jaar vooruit: latere normen zijn nog niet bekend."]
    assert response.context["decision"] is None


def test_the_month_arithmetic_reaches_the_last_representable_month():
    # The stale-norms warning counts whole months up to the reference date.
    warning = rules.stale_norms_warning(datetime.date(2026, 1, 1), datetime.date(9999, 12, 31))
    assert warning.params["months"] == (9999 - 2026) * 12 + 11


def nested(depth: int):
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(("role", "path", "headers"), [
    (Role.REFERRER, CHECK_API, {}),
    (Role.REFERRER, "/api/v1/referrals/", {}),
    # The idempotency key's fingerprint reads the body too.
    (Role.REFERRER, "/api/v1/referrals/", {"HTTP_IDEMPOTENCY_KEY": "deep-1"}),
    (Role.COORDINATOR, "/api/v1/stock/receipts/", {}),
    (Role.COORDINATOR, "/api/v1/pick-lists/", {}),
])
def test_json_nested_a_thousand_deep_is_a_bad_request(token_client, role, path, headers):
    api = token_client(UserFactory(role=role))
    depths = (500, 800, 900, 950, 990, 1000)
    for body in [*(nested(depth) for depth in depths), nested(100_000),
                 '{"a":' * 5000 + "1" + "}" * 5000,
                 # Deep inside fields that are read: a list of incomes, the household.
                 *('{"incomes": %s, "household": %s, "lines": %s, "warehouse": %s}'
                   % ((nested(depth),) * 4) for depth in depths)]:
        response = api.post(path, body, content_type="application/json", **headers)
        assert response.status_code == 400, (path, response.content[:200])
        assert response["Content-Type"] == "application/problem+json"


def _api_views(resolver=None):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern)
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "cls", None)
            if view is not None and issubclass(view, APIView):
                yield view


def test_every_api_view_parses_json_with_the_guarded_parser():
    views = set(_api_views())
    assert len(views) > 10
    for view in views:
        assert view.parser_classes, view
        for parser in view.parser_classes:
            assert issubclass(parser, JSONParser), (view, parser)


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/eligibility/check/", "/nowhere/"])
def test_a_bad_host_header_gets_the_400_page(client, settings, path):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["startpakket.example.org"]
    response = client.get(path, HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert "Bad request" in response.content.decode() or "Ongeldig" in response.content.decode()


def test_a_bad_host_header_gets_a_problem_in_the_api(client, settings):
    settings.ALLOWED_HOSTS = ["startpakket.example.org"]
    response = client.get("/api/v1/me/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


