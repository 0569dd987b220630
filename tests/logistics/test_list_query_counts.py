"""Every list page and list endpoint, the approval queue, the home pages and the dashboard cost
the same queries for 2 rows as for 20, and exactly the number written here (issue #18: at
100,000 referrals a query per row is a page that never loads). A new page or endpoint without
an address parameter must be added to ``COUNTED`` or, if it lists nothing, to ``NOT_LISTS``:
``test_every_page_without_parameters_is_counted_or_named`` fails until it is.

A count that changes on purpose (one query more for a new panel) is changed here; a count that
grows with the rows is a bug. The first request of a test is not counted: it also reads what
the process keeps for later (``startpakket.reference_data``). The dashboard is counted as after
a change of its figures, which it otherwise keeps (``kept_figures``)."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver

from logistics.distribution import services as distribution
from logistics.models import DeliveryMethod, Item, KitType, PickList, Warehouse
from logistics.statistics import kept_figures
from logistics.stock import services as stock
from startpakket import tokens
from tests.factories import (
    ItemFactory,
    KitTypeFactory,
    PickupPointFactory,
    make_referral,
)
from tests.helpers import approved_kits

FEW, MANY = 2, 20
SKU = "TELLING-ROMPER"
# (who, address, queries): every list as the role that uses it. ``{pick_list}`` is the newest
# pick list's id.
COUNTED = [
    ("coordinator", "/", 15),
    ("coordinator", "/referrals/", 7),
    ("coordinator", "/referrals/?status=all", 8),
    ("coordinator", "/referrals/?status=all&name=Bakker&page=1", 8),
    ("coordinator", "/referrals/queue/", 7),
    ("coordinator", "/pick-lists/", 9),
    ("coordinator", "/pick-lists/{pick_list}/", 7),
    ("coordinator", "/stock/", 9),
    ("coordinator", f"/stock/items/{SKU}/", 10),
    # The organisation table: ranked by referred, the kept ones summed, the totals.
    ("coordinator", "/dashboard/", 24),
    ("coordinator", "/accounts/tokens/", 6),
    ("nurse", "/", 7),
    ("nurse", "/referrals/", 7),
    ("nurse", "/referrals/?status=all", 8),
    ("volunteer", "/", 8),
    ("volunteer", "/referrals/", 6),
    ("volunteer", "/pick-lists/", 8),
    ("volunteer", "/pick-lists/{pick_list}/", 6),
    ("volunteer", "/deliveries/", 4),
    ("volunteer", "/stock/", 8),
    ("coordinator", "/api/v1/referrals/", 5),
    ("coordinator", "/api/v1/referrals/?status=submitted&name=Bakker", 6),
    ("coordinator", "/api/v1/pick-lists/", 6),
    ("coordinator", "/api/v1/pick-lists/{pick_list}/", 5),
    ("coordinator", "/api/v1/stock/", 6),
    ("coordinator", "/api/v1/kit-types/", 7),
    ("coordinator", "/api/v1/stats/distribution/?from=2026-01&to=2026-12", 4),
    ("nurse", "/api/v1/referrals/", 5),
    ("nurse", "/api/v1/pickup-points/", 5),
    ("volunteer", "/api/v1/referrals/", 5),
    ("volunteer", "/api/v1/pick-lists/", 6),
]
# The pages and endpoints without parameters that list nothing that grows (forms, one user's
# own things, documents), or are counted where they are built.
NOT_LISTS = {
    "favicon.ico", "accounts/login/", "accounts/logout/", "accounts/two-factor/",
    "accounts/two-factor/setup/", "accounts/settings/", "i18n/setlang/", "eligibility/check/",
    "stock/receive/", "stock/count/", "stock/transfer/", "stock/adjust/", "referrals/new/",
    "dashboard/report.pdf", "api/v1/me/", "api/v1/eligibility/check/", "api/v1/stock/receipts/",
    "api/schema/", "api/docs/",
    # The row-level export streams every row it is asked for: its queries per chunk are
    # counted in tests/logistics/statistics/test_api.py.
    "api/v1/stats/referrals/",
}


def _routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        else:
            yield route


def test_every_page_without_parameters_is_counted_or_named():
    routes = {route for route in _routes(get_resolver().url_patterns)
              if "<" not in route and not route.startswith("admin/")}
    counted = {path.split("?")[0].lstrip("/") for _, path, _ in COUNTED}
    assert routes - counted - NOT_LISTS == set(), "count its queries in COUNTED, or name it"
    assert routes >= NOT_LISTS, "a route named here no longer exists"


class World:
    """Of everything the pages list, ``grow(n)`` makes n: referrals waiting for a decision,
    approved kits (pick-up kits among them, whose point the API names), pick lists, items in
    stock, ledger rows, kit types, pick-up points, API tokens."""

    def __init__(self, people):
        self.people = people
        self.nurse, self.volunteer = people["nurse"], people["volunteer"]
        self.coordinator = people["coordinator"]
        self.warehouse = Warehouse.objects.get(pk=self.volunteer.organisation_id)
        self.item = ItemFactory(sku=SKU, name="Telling romper")
        self.numbers = itertools.count(1)

    def grow(self, count: int) -> None:
        for _ in range(count):
            number = next(self.numbers)
            make_referral(self.nurse, house_number=number, parent_last_name="Bakker")
            point = PickupPointFactory(warehouse=self.warehouse)
            approved_kits(self.warehouse, self.coordinator, self.nurse, 2,
                          house_number=1000 + number)
            approved_kits(self.warehouse, self.coordinator, self.nurse, 1,
                          house_number=2000 + number, delivery_method=DeliveryMethod.PICKUP,
                          pickup_point=point)
            distribution.create_pick_list(warehouse=self.warehouse, user=self.volunteer,
                                          max_packages=1)
            item = ItemFactory(sku=f"TELLING-{number}", name=f"Telling {number}")
            stock.receive(warehouse=self.warehouse, lines={self.item: 1, item: 1},
                          user=self.coordinator)
            KitTypeFactory(code=f"telling-{number}", name=f"Telling {number}")
            if number < tokens.MAX_TOKENS_PER_USER - 1:  # at most ten, the API client's one of them
                tokens.create_token(user=self.coordinator, name=f"Koppeling {number}")


@pytest.fixture
def world(referrer, warehouse_user, coordinator):
    return World({"nurse": referrer, "volunteer": warehouse_user, "coordinator": coordinator})


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    # Not the session's: its clock is written once a minute (``startpakket.middleware``),
    # which a slow run may cross between two measurements.
    return len([query for query in captured if "django_session" not in query["sql"]])


def test_every_list_costs_the_same_queries_for_more_rows(token_client, world):
    """All of them on one world, grown once (growing it is most of the work), each list asked
    twice at each size: the first request may read what the process keeps; the second counts.
    A failure names every list whose count is not the one written in ``COUNTED``."""
    clients = {}
    for who, user in world.people.items():
        clients[who, False] = pages = Client()
        pages.force_login(user)
        clients[who, True] = token_client(user)

    def queries(who: str, path: str) -> int:
        path = path.format(pick_list=PickList.objects.latest("pk").pk)
        return _queries(clients[who, path.startswith("/api/")], path)

    def count_all() -> dict[tuple[str, str], int]:
        counted = {}
        for who, path, _ in COUNTED:
            queries(who, path)  # the new kit types dropped what the process keeps: read again
            # The dashboard's figures as after a change, not kept (test_kept_figures.py).
            kept_figures.changed()
            counted[who, path] = queries(who, path)
        return counted

    world.grow(FEW)
    few = count_all()
    world.grow(MANY - FEW)
    many = count_all()
    # (expected, for FEW rows, for MANY rows) of each list that is off.
    wrong = {f"{who} {path}": (expected, few[who, path], many[who, path])
             for who, path, expected in COUNTED
             if few[who, path] != expected or many[who, path] != expected}
    assert wrong == {}


def test_the_rows_did_grow(client, world):
    """The world above makes what the counts are about: 20 of each for the pages to list."""
    world.grow(MANY)
    assert Item.objects.filter(sku__startswith="TELLING-").count() == MANY + 1
    assert KitType.objects.filter(code__startswith="telling-").count() == MANY
    assert PickList.objects.count() == MANY
    client.force_login(world.volunteer)
    response = client.get("/referrals/?page=2")  # approved or scheduled at the warehouse: 60
    assert len(response.context["rows"]) == 25 and response.context["page"].has_next
    assert {row.referral.delivery_method for row in response.context["rows"]} == {
        "delivery", "pickup"}


# ---------------------------------------------------------------------------------------------
# Making a pick list: the same queries for 2 kits as for 20


def _pick_list_queries(world, kits: int) -> int:
    approved_kits(world.warehouse, world.coordinator, world.nurse, kits,
                  due_date=datetime.date.today() + datetime.timedelta(days=100))
    with CaptureQueriesContext(connection) as captured:
        made = distribution.create_pick_list(warehouse=world.warehouse, user=world.volunteer,
                                             max_packages=kits)
    assert made.entries.count() == kits
    return len(captured)


def test_making_a_pick_list_costs_the_same_queries_for_more_kits(world):
    # The first is not counted: it may read what the process keeps (a test run alone, or
    # first on its worker, read a content type more).
    _pick_list_queries(world, FEW)
    assert (_pick_list_queries(world, FEW), _pick_list_queries(world, MANY)) == (19, 19)
