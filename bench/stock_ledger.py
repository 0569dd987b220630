"""The stock ledger at the size of DESIGN §8: a million movements.

Run from the project root (a few minutes; the script sets up Django and a throwaway database):

    .venv/bin/python bench/stock_ledger.py [--movements 1000000] [--requests 200]

Set ``DATABASE_URL=postgres://…`` to run it on an empty PostgreSQL database of your own instead of
a temporary SQLite file (the script migrates it; use a database made for this).

1. Fill the ledger with an opening stock and ``--movements`` rows (the shipped items at 4
   warehouses over two years: receipts, issues, count corrections) with plain INSERTs, then let
   ``ledger.repair`` set the stored levels from it, as ``verify_stock --fix`` would.
2. ``verify_stock``'s recompute (``ledger.find_drift``) over the whole ledger: seconds.
3. Pages and the API as a coordinator through Django's test client (in process, no HTTP server):
   ``/stock/``, an item's ledger (first page, and filtered by kind and a month),
   ``GET /api/v1/stock/``: median and 95th percentile latency and queries per request.
4. The services one after another: receipts of 3 lines, and reserve + release of a first kit
   (16 lines): operations per second.
"""

import argparse
import datetime
import secrets
import statistics
import time

import _database

SEED = 20261126
WAREHOUSES = 4
FIRST_DAY = datetime.datetime(2024, 12, 1, 8, 0, tzinfo=datetime.UTC)
DAYS = 730
OPENING_STOCK = 1_000


# DEBUG=1 so the pages find their static files without collectstatic, as in the other
# benchmark; it also keeps a log of queries, a small overhead. The pages are measured, not the
# second login step: it is off, as DEBUG allows.
SETTINGS = {"DEBUG": "1", "TWO_FACTOR_REQUIRED": "0"}


def fill_ledger(count: int, user, warehouses) -> float:
    """INSERT ``count`` movements in chunks (``logistics.load_data``, as ``manage.py
    generate_load_data`` does); returns seconds."""
    from logistics.load_data import fill_ledger as fill

    return fill(count, user, warehouses, seed=SEED, first_day=FIRST_DAY, days=DAYS,
                opening_stock=OPENING_STOCK)


def timed(action, times: int) -> list[float]:
    latencies = []
    for _ in range(times):
        start = time.perf_counter()
        action()
        latencies.append(time.perf_counter() - start)
    return latencies


def bench(args) -> None:
    from django.core.management import call_command
    from django.core.signals import request_finished
    from django.db import close_old_connections, connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from logistics.models import Item, KitType, StockMovement, Warehouse
    from logistics.stock import ledger
    from logistics.stock import services as stock
    from startpakket.models import Organisation
    from startpakket.roles import OrganisationKind, Role
    from startpakket.services import create_user

    call_command("migrate", verbosity=0)
    call_command("install_defaults", verbosity=0)
    foundation = Organisation.objects.create(code="bench-stichting", name="Bench",
                                             kind=OrganisationKind.FOUNDATION)
    user = create_user(username="bench", password=secrets.token_urlsafe(24),
                       role=Role.COORDINATOR, organisation=foundation)
    warehouses = [Warehouse.objects.create(code=f"bench-magazijn-{n}", name=f"Magazijn {n}",
                                           kind=OrganisationKind.WAREHOUSE)
                  for n in range(WAREHOUSES)]

    seconds = fill_ledger(args.movements, user, warehouses)
    print(f"ledger filled: {StockMovement.objects.count():,} movements in {seconds:.1f} s")
    start = time.perf_counter()
    repaired = ledger.repair()
    print(f"levels set from the ledger (verify_stock --fix): {len(repaired)} levels "
          f"in {time.perf_counter() - start:.2f} s")

    recompute = timed(ledger.find_drift, 3)
    assert ledger.find_drift() == []
    print(f"verify_stock recompute over the whole ledger: best {min(recompute):.2f} s "
          f"of 3 (no drift)")

    # Keep one connection across requests, as the test runner does and as a server with
    # CONN_MAX_AGE would; otherwise every request would also pay for opening the database.
    request_finished.disconnect(close_old_connections)
    client = Client()
    client.force_login(user)
    item = Item.objects.get(sku="ROMPER-50-56")
    month = (FIRST_DAY + datetime.timedelta(days=400)).date()
    pages = [
        ("/stock/", "/stock/"),
        ("item ledger, page 1", f"/stock/items/{item.sku}/"),
        ("item ledger, page 20", f"/stock/items/{item.sku}/?page=20"),
        ("item ledger, receipts in one month",
         f"/stock/items/{item.sku}/?kind=receipt&date_from={month}"
         f"&date_to={month + datetime.timedelta(days=30)}"),
        ("GET /api/v1/stock/", "/api/v1/stock/"),
    ]
    print(f"\n{'request':<38} {'median':>9} {'p95':>9} {'queries':>8}")
    for label, url in pages:
        for _ in range(3):
            assert client.get(url).status_code == 200, url
        reset_queries()  # the log holds at most 9,000; a full one would capture nothing
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        latencies = timed(lambda url=url: client.get(url), args.requests)
        p95 = statistics.quantiles(latencies, n=20)[-1]
        print(f"{label:<38} {statistics.median(latencies) * 1000:>7.1f}ms "
              f"{p95 * 1000:>7.1f}ms {len(queries.captured_queries):>8}")

    warehouse = warehouses[0]
    items = list(Item.objects.all()[:3])
    kit = KitType.objects.get(code="start-50-68")
    receipts = timed(lambda: stock.receive(warehouse=warehouse, lines=dict.fromkeys(items, 5),
                                           user=user), args.operations)

    def reserve_and_release():
        stock.release(reservation=stock.reserve(kit_type=kit, warehouse=warehouse, user=user),
                      user=user)

    reservations = timed(reserve_and_release, args.operations)
    print(f"\nreceive (3 lines): {args.operations / sum(receipts):.0f} per second, "
          f"median {statistics.median(receipts) * 1000:.1f} ms")
    print(f"reserve + release of a first kit (16 lines): "
          f"{args.operations / sum(reservations):.0f} per second, "
          f"median {statistics.median(reservations) * 1000:.1f} ms")
    assert ledger.find_drift() == []
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movements", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--operations", type=int, default=500)
    args = parser.parse_args()
    _database.run(lambda: bench(args), prefix="bench-stock-", **SETTINGS)

if __name__ == "__main__":
    main()
