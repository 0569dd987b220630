"""Fuzzing the API against its own OpenAPI schema with schemathesis (security issue #6).

For every operation in the schema, requests made up from the schema, valid and invalid ones:

* without credentials, or with a token that does not exist, get a 401, always;
* with the token of each role never get a 5xx, and every answer is one the schema lists for the
  operation: a documented status, the documented content type, a body that fits its schema.

The schema is generated in-process, as ``/api/schema/`` serves it. Requests go through Django's
WSGI handler in the test's own transaction, as the test client's do, so they see the data made
here and leave nothing behind. Runs are derandomised with a fixed seed, so CI sends the same
requests every time.
"""

import datetime
import json
import os
import re
from urllib.parse import unquote

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import Resolver404, URLResolver, get_resolver, resolve
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from logistics.distribution import services as pick_lists
from logistics.models import Item, Warehouse
from logistics.referrals import services as referral_services
from logistics.stock import selectors as stock_selectors
from startpakket import tokens
from startpakket.roles import Role
from tests.factories import UserFactory, make_referral, stock_for_kits
from tests.helpers import move_due_date

# CI runs these; search further locally with e.g. FUZZ_EXAMPLES=500 FUZZ_SEED=1.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 25))
SEED = int(os.environ.get("FUZZ_SEED", 20261126))
BASE_URL = "http://testserver"
REFERRALS = 3


class InProcessApp:
    """Django's WSGI handler, run as the test client runs it. The real handler closes the
    database connection at the start and at the end of every request, and with it the test's
    transaction; here the request shares the transaction and its data."""

    def __init__(self):
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            body = b"".join(response)
            response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return [body]


RAW_SCHEMA = json.loads(
    OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True))
)


def load_schema(*, examples: int, coverage: bool):
    config = schemathesis.Config.from_dict({
        "seed": SEED,
        "base-url": BASE_URL,
        "generation": {"mode": "all", "max-examples": examples, "database": "none"},
        # Coverage: values at and just past every bound the schema sets, every required field
        # left out, every type swapped; on top of the random examples.
        "phases": {"coverage": {"enabled": coverage}},
    })
    schema = schemathesis.openapi.from_dict(RAW_SCHEMA, config=config)
    schema.app = InProcessApp()
    return schema


# Without credentials nothing gets further than authentication: a few examples will do.
anonymous_schema = load_schema(examples=5, coverage=False)
schema = load_schema(examples=EXAMPLES, coverage=True)

FUZZ_SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    # One set of users and data serves all of an operation's examples: the test's transaction
    # is rolled back after each operation and role, not after each example.
    # Requests are slower to make up than Hypothesis expects on a slow CI machine.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

CONFORMANCE_CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
]


def checks():
    from schemathesis.checks import CHECKS

    return CHECKS.get_by_names(CONFORMANCE_CHECKS)


# Codes that name something in this test's data (``world``), for the hooks below.
LIVE: dict[str, list[str]] = {}


def live(kind: str) -> st.SearchStrategy[str]:
    """One of the live codes of a kind, looked up when drawn: the strategy is made once, the data
    anew for every test."""
    return st.integers(min_value=0, max_value=99).map(lambda i: LIVE[kind][i % len(LIVE[kind])])


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """A made-up referral code almost never names a referral; half of the time, use one that
    does, so that requests get past the lookup into the workflow."""
    if path_parameters and "id" in path_parameters:
        return st.one_of(st.just(path_parameters), live("pick_lists").map(
            lambda pk: {**path_parameters, "id": pk}))
    if not path_parameters or "code" not in path_parameters:
        return st.just(path_parameters)
    return st.one_of(st.just(path_parameters),
                     live("referrals").map(lambda code: {**path_parameters, "code": code}))


def plausible_body(body: dict) -> st.SearchStrategy[dict]:
    """The body with the fields no random value fits (codes, a Dutch postcode and phone number,
    a due date within ten months) set to ones that do; the rest stays as generated."""
    fields = {
        "kit_type": live("kit_types"),
        "warehouse": live("warehouses"),
        "postcode": st.just("3511 AB"),
        "phone": st.just("06 12345678"),
        "due_date": st.integers(min_value=0, max_value=250).map(
            lambda days: (datetime.date.today() + datetime.timedelta(days=days)).isoformat()),
        "consent": st.just(True),
    }
    wanted = {name: strategy for name, strategy in fields.items() if name in body}
    lines = body.get("lines")
    if isinstance(lines, list) and all(isinstance(line, dict) for line in lines):
        wanted["lines"] = st.tuples(*(live("items") for _ in lines)).map(
            lambda skus: [{**line, "item": sku} for line, sku in zip(lines, skus, strict=True)])
    return st.fixed_dictionaries(wanted).map(lambda values: {**body, **values})


@schema.hook
def flatmap_body(context, body):
    if not isinstance(body, dict):
        return st.just(body)
    return st.one_of(st.just(body), plausible_body(body))


@pytest.fixture
def world(db, settings):
    """Users of every role with a token, stock at the volunteer's warehouse, and referrals of
    the referrer's organisation: two approved to that warehouse, one of them on a pick list,
    one submitted."""
    # A 500 fails with its traceback rather than only a status.
    settings.DEBUG_PROPAGATE_EXCEPTIONS = True
    users = {role: UserFactory(role=role) for role in Role}
    keys = {role: tokens.create_token(user=user, name="fuzz")[1] for role, user in users.items()}
    warehouse = Warehouse.objects.get(pk=users[Role.WAREHOUSE].organisation_id)
    stock_for_kits(warehouse, REFERRALS, user=users[Role.COORDINATOR])
    referrals = [make_referral(users[Role.REFERRER]) for _ in range(REFERRALS)]
    # Due in eight weeks: the first kit's time window is open, so a pick list takes them.
    move_due_date(referrals, timezone.localdate() + datetime.timedelta(weeks=8))
    for referral in referrals[:2]:
        referral_services.approve_referral(referral=referral, user=users[Role.COORDINATOR],
                                           warehouse=warehouse)
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=users[Role.WAREHOUSE],
                                            max_packages=1)
    LIVE.update(
        referrals=[referral.code for referral in referrals],
        pick_lists=[pick_list.pk],
        kit_types=list(stock_selectors.referable_kit_types().values_list("code", flat=True)),
        warehouses=[warehouse.code],
        items=list(Item.objects.active().values_list("sku", flat=True)),
    )
    yield keys
    LIVE.clear()


def url_paths(patterns, prefix="/"):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from url_paths(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def test_the_schema_lists_every_endpoint_of_the_api():
    """The fuzz tests below reach what the schema lists: an endpoint left out of it, such as a
    plain Django view, would go untested."""
    api = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)
           for path in url_paths(get_resolver().url_patterns) if path.startswith("/api/v1/")}
    assert api == set(RAW_SCHEMA["paths"])


# A value of the right shape for each path parameter, so that the URL names an endpoint.
PATH_PARAMETER_VALUES = {"code": "BSP-2000-00001", "id": "1"}


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "head", "options", "post", "put", "patch", "delete"])
def test_no_method_of_any_endpoint_answers_without_credentials(api_client, method):
    """Also the methods an endpoint does not have: the fuzz test below sends only those it has."""
    for path in RAW_SCHEMA["paths"]:
        url = re.sub(r"\{(\w+)\}", lambda match: PATH_PARAMETER_VALUES[match[1]], path)
        response = getattr(api_client, method)(url)
        assert response.status_code == 401, (method, path, response.status_code)


def is_an_endpoint(path: str) -> bool:
    """Path parameters of the wrong shape (``/referrals/0/``) match no URL at all: that 404
    comes from the URL resolver before any view, and says nothing the schema does not."""
    try:
        resolve(unquote(path))
    except Resolver404:
        return False
    return True


@anonymous_schema.parametrize()
@FUZZ_SETTINGS
@pytest.mark.parametrize("credentials", [None, "Token not-a-real-token"],
                         ids=["no-credentials", "unknown-token"])
def test_nothing_answers_without_credentials(case, credentials, db):
    headers = {"Authorization": credentials} if credentials else {}
    response = case.call(headers=headers, base_url=BASE_URL)
    expected = 401 if is_an_endpoint(case.formatted_path) else 404
    assert response.status_code == expected, (case.formatted_path, response.text[:300])
    case.validate_response(response, checks=checks(), headers=headers)


@schema.parametrize()
@FUZZ_SETTINGS
@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_every_role_gets_only_answers_the_schema_lists(case, role, world):
    headers = {"Authorization": f"Token {world[role]}"}
    response = case.call(headers=headers, base_url=BASE_URL)
    case.validate_response(response, checks=checks(), headers=headers)
