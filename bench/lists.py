"""Every list page and list endpoint at national scale (issue #18): 100,000 referrals.

Run from the project root:

    .venv/bin/python bench/lists.py [--referrals 100000] [--movements 100000] [--requests 10]
    DATABASE_URL=sqlite:////path/to/db.sqlite3 .venv/bin/python bench/lists.py
    DATABASE_URL=postgres://user@host:5432/loaddb .venv/bin/python bench/lists.py

With ``DATABASE_URL`` it measures that database as it is, expected to be filled already by
``manage.py generate_load_data`` (it runs ``migrate`` first, so the indexes are those of the
code; if it holds no referrals it generates ``--referrals`` and ``--movements`` itself). Without
it, it migrates a temporary SQLite file and generates them there (about 1.5 minutes at the
defaults on SQLite).

1. Each list page, list endpoint, the approval queue, the three roles' home pages and the
   dashboard (a year), as the role that uses it, through Django's test client in process (no
   HTTP server; one database connection kept open, as a server with ``CONN_MAX_AGE`` would;
   the API with a token, as its clients call it): the median of ``--requests`` requests after
   two warm-ups, and the queries of one request. Target: median under 100 ms, and the same
   queries however many rows (the tests assert the counts).
   The dashboard keeps its figures between requests until a count changes
   (``logistics.statistics.kept_figures``): it is measured once more as the first request
   after a change, the stamp removed before each request as a referral's commit does.
2. Making a pick list of 20 kits (``create_pick_list``) at the warehouse with the most kits
   waiting, each time rolled back so that the database stays as it was: median and queries.

Figures go through ``bench/_results.py`` for ``make bench``; a table is printed as well.
"""

import argparse
import statistics
import time

import _database
from _results import record

# DEBUG=1 so the pages find their static files without collectstatic, as in the other
# benchmarks (it also keeps a log of queries, a small overhead). The pages are measured, not the
# second login step: it is off.
SETTINGS = {"DEBUG": "1", "TWO_FACTOR_REQUIRED": "0"}
TARGET_MS = 100
PICK_LIST_KITS = 20


def _median_ms(action, times: int) -> float:
    latencies = []
    for _ in range(times):
        start = time.perf_counter()
        action()
        latencies.append(time.perf_counter() - start)
    return statistics.median(latencies) * 1000


def _fill_if_empty(args) -> None:
    from django.core.management import call_command

    from logistics.models import Referral

    call_command("migrate", verbosity=0)
    if Referral.objects.exists():
        print(f"database holds {Referral.objects.count():,} referrals: measured as it is")
        return
    start = time.perf_counter()
    call_command("generate_load_data", referrals=args.referrals, movements=args.movements,
                 verbosity=0)
    print(f"generated {args.referrals:,} referrals and {args.movements:,} movements in "
          f"{time.perf_counter() - start:.0f} s")


def _people():
    """A coordinator, the nurse of the organisation with the most referrals, and a volunteer of
    the warehouse with the most kits waiting for a pick list (and that warehouse)."""
    from django.db.models import Count

    from logistics.distribution import selectors as distribution
    from logistics.models import Referral, Warehouse
    from startpakket.models import User
    from startpakket.roles import Role

    def of_role(role, **filters):
        return (User.objects.filter(groups__name=role.value, is_active=True, **filters)
                .order_by("pk").first())

    busiest = (Referral.objects.order_by().values("organisation")
               .annotate(n=Count("pk")).order_by("-n").first())
    warehouse = max(Warehouse.objects.active().order_by("pk"),
                    key=lambda w: distribution.waiting(w).count())
    return {
        "coordinator": of_role(Role.COORDINATOR),
        "nurse": of_role(Role.REFERRER, organisation_id=busiest["organisation"]),
        "volunteer": of_role(Role.WAREHOUSE, organisation_id=warehouse.pk),
    }, warehouse


def _requests(people) -> list[tuple[str, str]]:
    """(who, path) of every list page and endpoint, each as the role that uses it."""
    from django.db.models import Count

    from logistics.demo_history import LAST_NAMES
    from logistics.models import Item, Referral

    item = Item.objects.annotate(n=Count("movements")).order_by("-n", "sku").first()
    postcode = (Referral.objects.filter(anonymised_at__isnull=True).order_by("pk")
                .values_list("postcode", flat=True).first() or "1234 AB")
    name = LAST_NAMES[2]  # "Smit": one family name in sixteen
    # Far into the list (an OFFSET of 1,950 for the API's pages of 50), where there is one.
    deep = max(1, min(40, Referral.objects.count() // 50))
    pages = [
        ("coordinator", "/"),
        ("coordinator", "/referrals/"),
        ("coordinator", "/referrals/?status=all"),
        ("coordinator", f"/referrals/?status=all&page={deep}"),
        ("coordinator", f"/referrals/?status=all&name={name}"),
        ("coordinator", f"/referrals/?status=all&postcode={postcode[:4]}"),
        ("coordinator", "/referrals/?status=delivered"),
        ("coordinator", "/referrals/queue/"),
        ("coordinator", "/pick-lists/"),
        ("coordinator", "/stock/"),
        ("coordinator", f"/stock/items/{item.sku}/"),
        ("coordinator", "/dashboard/"),
        ("coordinator", "/api/v1/referrals/"),
        ("coordinator", f"/api/v1/referrals/?page={deep}"),
        ("coordinator", "/api/v1/referrals/?status=submitted"),
        ("coordinator", f"/api/v1/referrals/?name={name}"),
        ("coordinator", "/api/v1/pick-lists/"),
        ("coordinator", "/api/v1/stock/"),
        ("coordinator", "/api/v1/kit-types/"),
        ("coordinator", "/api/v1/pickup-points/"),
        ("nurse", "/"),
        ("nurse", "/referrals/"),
        ("nurse", "/referrals/?status=all"),
        ("nurse", "/api/v1/referrals/"),
        ("volunteer", "/"),
        ("volunteer", "/referrals/"),
        ("volunteer", "/pick-lists/"),
        ("volunteer", "/deliveries/"),
        ("volunteer", "/stock/"),
        ("volunteer", "/api/v1/referrals/"),
        ("volunteer", "/api/v1/pick-lists/"),
    ]
    return [(who, path) for who, path in pages if people[who] is not None]


def _clients(people):
    from django.test import Client
    from rest_framework.test import APIClient

    from startpakket.tokens import create_token

    pages, api, tokens = {}, {}, []
    for who, user in people.items():
        if user is None:
            continue
        pages[who] = Client()
        pages[who].force_login(user)
        token, key = create_token(user=user, name="bench/lists.py", days=1)
        tokens.append(token)
        api[who] = APIClient()
        api[who].credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return pages, api, tokens


def _queries_of(request) -> int:
    """The queries ``request()`` makes, but the session's: its clock is written once a minute
    (``startpakket.middleware``), not the page's own."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # the log holds at most 9,000; a full one would capture nothing
    with CaptureQueriesContext(connection) as queries:
        request()
    return len([q for q in queries.captured_queries if "django_session" not in q["sql"]])


def _measure_pages(people, requests: int) -> list[tuple[str, float, int]]:
    from startpakket.tokens import revoke_token

    pages, api, tokens = _clients(people)
    rows = []
    try:
        for who, path in _requests(people):
            client = (api if path.startswith("/api/") else pages)[who]
            for _ in range(2):
                response = client.get(path)
                assert response.status_code == 200, (who, path, response.status_code)
            count = _queries_of(lambda c=client, p=path: c.get(p))
            rows.append((f"{path} ({who})", _median_ms(lambda c=client, p=path: c.get(p),
                                                       requests), count))
    finally:
        for token in tokens:
            revoke_token(token)
    return rows


def _measure_dashboard_after_a_change(coordinator, requests: int) -> tuple[str, float, int]:
    """The dashboard as the first request after a referral changed the counts."""
    from django.core.cache import cache
    from django.test import Client

    from logistics.statistics import kept_figures

    client = Client()
    client.force_login(coordinator)

    def after_a_change():
        cache.delete(kept_figures.VERSION_KEY)
        response = client.get("/dashboard/")
        assert response.status_code == 200, response.status_code

    after_a_change()
    return ("/dashboard/ after a change (coordinator)", _median_ms(after_a_change, requests),
            _queries_of(after_a_change))


def _measure_pick_list(volunteer, warehouse, requests: int) -> tuple[str, float, int] | None:
    """Making a list of 20 kits, rolled back each time; None when no kit waits."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from logistics.distribution import services
    from logistics.distribution.selectors import waiting

    if not waiting(warehouse).exists():
        return None

    def make():
        with transaction.atomic():
            services.create_pick_list(warehouse=warehouse, user=volunteer,
                                      max_packages=PICK_LIST_KITS)
            transaction.set_rollback(True)

    make()
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            made = services.create_pick_list(warehouse=warehouse, user=volunteer,
                                             max_packages=PICK_LIST_KITS)
        kits = made.entries.count()
        transaction.set_rollback(True)
    count = len(queries.captured_queries)
    return f"create a pick list of {kits} kits (volunteer)", _median_ms(make, requests), count


def bench(args) -> None:
    from django.core.signals import request_finished
    from django.db import close_old_connections, connection

    _fill_if_empty(args)
    # Keep one connection across requests, as the test runner does and as a server with
    # CONN_MAX_AGE would; otherwise every request would also pay for opening the database.
    request_finished.disconnect(close_old_connections)
    people, warehouse = _people()
    print(f"{connection.vendor}; {', '.join(f'{who}: {user}' for who, user in people.items())}")
    rows = _measure_pages(people, args.requests)
    if people["coordinator"] is not None:
        rows.append(_measure_dashboard_after_a_change(people["coordinator"], args.requests))
    if people["volunteer"] is not None and (
            pick_list := _measure_pick_list(people["volunteer"], warehouse, args.requests)):
        rows.append(pick_list)
    width = max(len(label) for label, _, _ in rows)
    print(f"\n{'request':<{width}} {'median':>9} {'queries':>8}  target < {TARGET_MS} ms")
    for label, ms, queries in rows:
        met = "met" if ms < TARGET_MS else "NOT met"
        print(f"{label:<{width}} {ms:>7.1f}ms {queries:>8}  {met}")
        record(label, "median", round(ms, 1), "ms", target=f"< {TARGET_MS}",
               met=ms < TARGET_MS)
        record(label, "queries", queries, "queries")
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=100_000,
                        help="Generated when the database holds none.")
    parser.add_argument("--movements", type=int, default=100_000,
                        help="Stock movements generated with them.")
    parser.add_argument("--requests", type=int, default=10, help="Timed requests per page.")
    args = parser.parse_args()
    _database.run(lambda: bench(args), prefix="bench-lists-", **SETTINGS)


if __name__ == "__main__":
    main()
