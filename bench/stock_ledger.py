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
import random
import secrets
import statistics
import time
import uuid

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
    """INSERT ``count`` movements in chunks; returns seconds."""
    from django.db import connection, transaction

    from logistics.models import Item, MovementKind, StockMovement

    rng = random.Random(SEED)
    items = list(Item.objects.values_list("pk", flat=True))
    fields = {name: StockMovement._meta.get_field(name)
              for name in ("item", "warehouse", "quantity", "kind", "batch", "note",
                           "created_by", "created_at")}
    columns = ", ".join(field.column for field in fields.values())
    # Table and column names come from the model, values go as parameters.
    sql = (f"INSERT INTO {StockMovement._meta.db_table} ({columns}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    batch_field, when_field = fields["batch"], fields["created_at"]
    start = time.perf_counter()
    # An opening stock of every item at every warehouse, so that a small ledger (the test suite
    # runs this with a few thousand rows) never issues more than was received.
    opening = [(item, warehouse.pk, OPENING_STOCK, MovementKind.RECEIPT,
                batch_field.get_db_prep_value(uuid.UUID(int=rng.getrandbits(128)), connection),
                "Beginvoorraad", user.pk, when_field.get_db_prep_value(FIRST_DAY, connection))
               for item in items for warehouse in warehouses]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, opening)
    chunk = 20_000
    for offset in range(0, count, chunk):
        rows = []
        for index in range(offset, min(offset + chunk, count)):
            roll = rng.random()
            if roll < 0.12:
                kind, quantity, note = MovementKind.RECEIPT, rng.randint(20, 200), "Levering"
            elif roll < 0.92:
                kind, quantity, note = MovementKind.ISSUE, -rng.randint(1, 6), ""
            else:
                kind, quantity, note = MovementKind.COUNT_CORRECTION, rng.choice([-2, -1, 1]), ""
            when = FIRST_DAY + datetime.timedelta(seconds=DAYS * 86_400 * index // count)
            rows.append((
                rng.choice(items), rng.choice(warehouses).pk, quantity, kind,
                batch_field.get_db_prep_value(uuid.UUID(int=rng.getrandbits(128)), connection),
                note, user.pk, when_field.get_db_prep_value(when, connection),
            ))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    return time.perf_counter() - start


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
