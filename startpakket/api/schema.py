"""The OpenAPI schema lists the errors too (DESIGN §7.2): every operation names the
``application/problem+json`` answers it can give, so that a client can rely on the schema for
failures as well as for successes, and the fuzz test (``tests/test_api_fuzz.py``) can hold the API
to it.

Most of those answers follow from the view, so they are added here once instead of in every
``extend_schema``: 401 and 403 wherever credentials are needed, 400 where a body or a filter is
validated (415 for a body that is not JSON), 404 where a path names an object or a list has
pages, 429 where a throttle applies. Errors that only the domain knows of (409, 422) are
declared by the view, usually with a description and no body; they get the problem body here.
"""

import copy

from drf_spectacular import openapi
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from startpakket.api.problems import PROBLEM_CONTENT_TYPE

# Query parameters of the paginator: a bad page is a 404, a bad page size is ignored.
PAGINATION_PARAMETERS = {"page", "page_size"}

DESCRIPTIONS = {
    400: "Invalid input, listed in `errors` by field.",
    401: "No credentials, or credentials that are not valid.",
    403: "The role may not do this, or the login is not finished (second step).",
    404: "No such object within your scope, or no such page.",
    409: "Not allowed in the object's current state.",
    415: "The body is not sent as JSON (`Content-Type: application/json`).",
    422: "Well-formed, but cannot be processed.",
    429: "Too many requests; try again after `Retry-After` seconds.",
}

HEADERS = {
    401: {"WWW-Authenticate": {
        "schema": {"type": "string"}, "required": True,
        "description": "How to authenticate: `Token`.",
    }},
    429: {"Retry-After": {
        "schema": {"type": "integer"}, "description": "Seconds to wait.",
    }},
}


class ShortItemSerializer(serializers.Serializer):
    item = serializers.CharField(help_text="Item SKU.")
    needed = serializers.IntegerField()
    available = serializers.IntegerField()


class ProblemSerializer(serializers.Serializer):
    """An error (RFC 9457), as ``startpakket.api.problems`` writes it."""

    type = serializers.CharField(help_text="Always `about:blank`: the status says what it is.")
    title = serializers.CharField(help_text="The status's phrase, e.g. `Not Found`.")
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What went wrong, for people.")
    code = serializers.CharField(required=False, help_text="What went wrong, for programs.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text="Validation errors (400): messages keyed by field, with dotted paths for "
                  "nested fields (`household.applicant_age`, `incomes.1.amount`).")
    short = ShortItemSerializer(
        many=True, required=False,
        help_text="The items there is not enough of (409 `insufficient_stock`).")


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema with the problem answers each operation can give."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        problem = self.resolve_serializer(ProblemSerializer, "response").ref
        declared = {int(status) for status in responses
                    if status.isdigit() and 400 <= int(status) < 500}
        for status in sorted(self.problem_statuses(operation) | declared):
            response = responses.setdefault(str(status), {})
            response.setdefault("description", DESCRIPTIONS.get(status, ""))
            response.setdefault("content", {PROBLEM_CONTENT_TYPE: {"schema": dict(problem)}})
            if status in HEADERS:
                response.setdefault("headers", copy.deepcopy(HEADERS[status]))
        return operation

    def problem_statuses(self, operation: dict) -> set[int]:
        statuses = set()
        if not all(isinstance(permission, AllowAny) for permission in self.view.get_permissions()):
            statuses |= {401, 403}
        parameters = operation.get("parameters", [])
        filters = [p for p in parameters
                   if p["in"] == "query" and p["name"] not in PAGINATION_PARAMETERS]
        if "requestBody" in operation:
            statuses |= {400, 415}
        if filters:
            statuses.add(400)
        paginated = any(p["in"] == "query" and p["name"] == "page" for p in parameters)
        if paginated or any(p["in"] == "path" for p in parameters):
            statuses.add(404)
        if self.view.throttle_classes:
            statuses.add(429)
        return statuses


def exclusive_variants(result, generator, request, public):
    """drf-spectacular's postprocessing hook: close the object variants of every ``oneOf``.

    A body must fit exactly one variant of a ``oneOf``, but a variant lists its properties
    without forbidding others; a referral as its referrer sees it would also fit the volunteer's
    shorter variant, and a broken one would pass for that. Closed, each role's body is held to
    its own variant.
    """
    schemas = result.get("components", {}).get("schemas", {})
    for component in schemas.values():
        for variant in component.get("oneOf", []):
            name = variant.get("$ref", "").rpartition("/")[2]
            if schemas.get(name, {}).get("type") == "object":
                schemas[name]["additionalProperties"] = False
    return result
