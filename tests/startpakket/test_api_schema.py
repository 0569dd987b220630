"""The schema lists the errors each operation can answer (startpakket.api.schema), so that the
fuzz test (tests/test_api_fuzz.py) can hold every answer to it."""

import pytest

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture
def schema(api_client):
    return api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def problem_statuses(operation) -> set[str]:
    return {status for status, response in operation["responses"].items()
            if response.get("content", {}).get(PROBLEM, {}).get("schema") == PROBLEM_REF}


def test_every_operation_lists_401_and_403_as_problems(schema):
    for name, operation in operations(schema):
        assert {"401", "403"} <= problem_statuses(operation), name
        assert operation["responses"]["401"]["headers"]["WWW-Authenticate"]["required"], name


def test_errors_follow_from_the_view(schema):
    listed = {name: problem_statuses(operation) for name, operation in operations(schema)}
    # A path that names an object, or a list with pages: 404.
    assert "404" in listed["GET /api/v1/referrals/{code}/"]
    assert "404" in listed["GET /api/v1/kit-types/"]
    assert "404" not in listed["GET /api/v1/me/"]
    # A body or a filter to validate: 400; a body that is not JSON: 415.
    assert {"400", "415"} <= listed["POST /api/v1/stock/receipts/"]
    assert "400" in listed["GET /api/v1/stock/"]
    assert "400" not in listed["GET /api/v1/kit-types/"]
    # A throttle: 429 (and when to try again).
    assert "429" in listed["POST /api/v1/eligibility/check/"]
    assert "429" not in listed["GET /api/v1/me/"]
    # Declared by the view, given the problem body: 409 and 422.
    assert "409" in listed["POST /api/v1/referrals/{code}/approve/"]
    assert "422" in listed["POST /api/v1/referrals/"]


def test_the_problem_component_has_the_members_of_every_error(schema):
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    assert {"code", "errors", "short"} <= set(problem["properties"])


def test_each_role_has_a_referral_shape_of_its_own(schema):
    """A volunteer's shape lists fewer fields; open, a referrer's referral would pass for one."""
    components = schema["components"]["schemas"]
    for variant in components["ReferralForRole"]["oneOf"]:
        name = variant["$ref"].rpartition("/")[2]
        assert components[name]["additionalProperties"] is False, name
