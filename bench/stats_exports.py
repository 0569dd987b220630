"""Statistics at the size of DESIGN §8: 100,000 referrals.

Run from the project root (a few minutes; the script sets up Django and a throwaway SQLite
database, or uses ``DATABASE_URL=postgres://…`` of an empty database made for this):

    .venv/bin/python bench/stats_exports.py [--referrals 100000]

1. Generate ``--referrals`` referrals over two years at five referring organisations and four
   municipalities (plus unknown postcodes), in every status, with their status history, with
   plain bulk INSERTs.
2. The aggregated table (per month and municipality) as the API computes it, and its CSV, XLSX
   and JSON.
3. The pseudonymised row-level CSV export, streamed, against a bare ``csv.writer`` over the same
   rows read the same way (target: within 3×), and as XLSX.
4. Peak memory (tracemalloc) of the streamed CSV at 10,000 rows and at all of them (target:
   flat).
"""

import argparse
import csv
import datetime
import random
import secrets
import time
import tracemalloc
from decimal import Decimal

import _database
from _results import record

SEED = 20261130
FIRST_DAY = datetime.datetime(2024, 12, 1, 9, 0, tzinfo=datetime.UTC)
DAYS = 730
CHUNK = 5_000
MUNICIPALITIES = [
    ("GM0344", "Utrecht", "85.00", [(3500, 3585)]),
    ("GM0356", "Nieuwegein", "85.00", [(3430, 3439)]),
    ("GM0355", "Zeist", None, [(3700, 3709)]),
    ("GM0321", "Houten", "80.00", [(3990, 3995)]),
]
POSTCODE_AREAS = [3511, 3521, 3551, 3584, 3431, 3438, 3701, 3707, 3991, 9999]
# Where a referral ends up, and how often (out of 100).
OUTCOMES = [("submitted", 8), ("needs_info", 3), ("rejected", 10), ("cancelled", 5),
            ("approved", 6), ("scheduled", 3), ("packed", 3), ("delivery_failed", 2),
            ("delivered", 60)]
PATHS = {
    "submitted": [], "needs_info": ["needs_info"], "rejected": ["rejected"],
    "cancelled": ["cancelled"], "approved": ["approved"],
    "scheduled": ["approved", "scheduled"], "packed": ["approved", "scheduled", "packed"],
    "delivery_failed": ["approved", "scheduled", "packed", "delivery_failed"],
    "delivered": ["approved", "scheduled", "packed", "delivered"],
}


def setup_world():
    """Organisations, users, kit types, municipalities; a snapshot to copy into every referral."""
    from django.core.management import call_command

    from eligibility import rules, snapshot
    from eligibility import services as eligibility
    from logistics.models import KitType, Municipality, Warehouse
    from logistics.statistics.municipalities import set_postcode_ranges
    from startpakket.models import Organisation
    from startpakket.roles import OrganisationKind, Role
    from startpakket.services import create_user

    call_command("migrate", verbosity=0)
    call_command("install_defaults", verbosity=0)
    Organisation.objects.create(code="bench-stichting", name="Stichting Bench",
                                kind=OrganisationKind.FOUNDATION)
    warehouse = Warehouse.objects.create(code="bench-magazijn", name="Magazijn Bench",
                                         kind=OrganisationKind.WAREHOUSE)
    nurses = []
    for n in range(5):
        organisation = Organisation.objects.create(
            code=f"bench-jgz-{n}", name=f"JGZ Bench {n}", kind=OrganisationKind.REFERRER)
        nurses.append(create_user(username=f"bench-nurse-{n}", password=secrets.token_urlsafe(24),
                                  role=Role.REFERRER, organisation=organisation))
    coordinator = create_user(username="bench-coordinator", password=secrets.token_urlsafe(24),
                              role=Role.COORDINATOR,
                              organisation=Organisation.objects.get(code="bench-stichting"))
    for code, name, price, ranges in MUNICIPALITIES:
        set_postcode_ranges(Municipality.objects.create(code=code, name=name,
                                                        price_per_kit=price), ranges)
    household = rules.Household(applicant_age=30, has_partner=False, children=1)
    incomes = (rules.Income("wages", Decimal("1200.00")),)
    decision = eligibility.check_eligibility(household=household, incomes=incomes)
    stored = {
        "household": snapshot.household_to_json(household),
        "incomes": snapshot.incomes_to_json(incomes),
        "eligibility": {**snapshot.to_snapshot(decision),
                        "checked_on": datetime.date.today().isoformat()},
    }
    return nurses, coordinator, warehouse, list(KitType.objects.all()), stored


def generate(count: int, nurses, coordinator, warehouse, kit_types, stored) -> float:
    """Bulk INSERT ``count`` referrals and their history; returns seconds."""
    import phonenumbers
    from django.db import transaction

    from logistics.models import Municipality, Referral, ReferralStatusChange
    from logistics.referrals import codes
    from logistics.referrals.services import window_fields

    rng = random.Random(SEED)
    municipalities = {first: m for m in Municipality.objects.prefetch_related("postcode_ranges")
                      for r in m.postcode_ranges.all() for first in range(r.first, r.last + 1)}
    statuses = [status for status, weight in OUTCOMES for _ in range(weight)]
    phone = phonenumbers.parse("0612345678", "NL")
    # Bulk inserts with the times generated here, not "now".
    auto = [Referral._meta.get_field("created_at"), ReferralStatusChange._meta.get_field("at")]
    for field in auto:
        field.auto_now_add = False
    start = time.perf_counter()
    for offset in range(0, count, CHUNK):
        referrals, paths = [], []
        for index in range(offset, min(offset + CHUNK, count)):
            created = FIRST_DAY + datetime.timedelta(seconds=rng.randrange(DAYS * 86_400))
            status = rng.choice(statuses)
            nurse = nurses[index % len(nurses)]
            area = rng.choice(POSTCODE_AREAS)
            due = (created + datetime.timedelta(days=rng.randint(40, 200))).date()
            steps, at = [], created
            for step in PATHS[status]:
                at += datetime.timedelta(hours=rng.randint(4, 24 * 20))
                steps.append((step, at))
            delivered_on = steps[-1][1].date() if status == "delivered" else None
            kit_type = rng.choice(kit_types)
            referrals.append(Referral(
                code=codes.format_code(2024 + index // 60_000, index + 1), status=status,
                organisation_id=nurse.organisation_id, referred_by=nurse,
                parent_first_name="Bench", parent_last_name=f"Ouder {index}", phone=phone,
                street="Benchstraat", house_number=1 + index % 300, postcode=f"{area} AB",
                city="Utrecht", due_date=due, babies=1, kit_type=kit_type,
                **window_fields(kit_type, due), consent=True, consent_date=created.date(),
                warehouse=warehouse if steps else None,
                municipality=municipalities.get(area), delivered_on=delivered_on,
                created_at=created, **stored,
            ))
            paths.append((created, steps))
        with transaction.atomic():
            made = Referral.objects.bulk_create(referrals)
            history = []
            for referral, (created, steps) in zip(made, paths, strict=True):
                history.append(ReferralStatusChange(referral=referral, to_status="submitted",
                                                    by=referral.referred_by, at=created))
                before = "submitted"
                for step, at in steps:
                    history.append(ReferralStatusChange(referral=referral, from_status=before,
                                                        to_status=step, by=coordinator, at=at))
                    before = step
            ReferralStatusChange.objects.bulk_create(history)
    for field in auto:
        field.auto_now_add = True
    return time.perf_counter() - start


def best(action, rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def bench(args) -> None:
    import itertools

    import tablib

    from logistics.models import Referral
    from logistics.statistics import exports, figures
    from startpakket.spreadsheets import XLSX

    if args.existing:
        # The referrals already there (``make bench``: ``generate_load_data``), last 24 months.
        today = datetime.date.today()
        first = today.replace(day=1) - datetime.timedelta(days=700)
        period = figures.Period.parse(first.strftime("%Y-%m"), today.strftime("%Y-%m"))
    else:
        world = setup_world()
        seconds = generate(args.referrals, *world)
        period = figures.Period.parse("2024-12", "2026-11")
    count = Referral.objects.count()
    print(f"{count:,} referrals" + ("" if args.existing else f", generated in {seconds:.1f} s"))
    group_by = ("month", "municipality")
    table_seconds = best(lambda: figures.distribution(period, group_by))
    table = figures.distribution(period, group_by)
    print(f"aggregated table ({len(table.rows)} rows, month × municipality): "
          f"{table_seconds * 1000:.0f} ms")
    record(f"statistics table, month × municipality ({count:,} referrals)", "seconds",
           round(table_seconds, 3), "s")
    for fmt in ("csv", "xlsx", "json"):
        took = best(lambda fmt=fmt: exports.export(table, fmt))
        print(f"  written as {fmt.upper()}: {took * 1000:.0f} ms")

    def streamed(limit=None) -> int:
        rows = exports.research_rows()
        if limit is not None:
            rows = itertools.islice(rows, limit)
        return sum(len(line) for line in exports.research_csv(rows))

    def bare() -> int:
        # The same referrals' stored values, read the same way, written by a bare csv.writer:
        # what our processing (the history's dates, the check's band, escaping) adds to it.
        writer = csv.writer(exports._Echo())
        rows = (Referral.objects.order_by("created_at", "pk")
                .values_list("postcode", "municipality__code", "organisation__code",
                             "kit_type__code", "babies", "status", "eligibility_override",
                             "due_date", "created_at", "delivered_on", "delivered_in_time")
                .iterator(chunk_size=2000))
        return sum(len(writer.writerow(row)) for row in rows)

    def bare_same_rows() -> int:
        # The export's own rows, written by a bare csv.writer: what streaming and escaping add.
        writer = csv.writer(exports._Echo())
        return sum(len(writer.writerow(row)) for row in exports.research_rows())

    ours, baseline, same = best(streamed), best(bare), best(bare_same_rows)
    record(f"pseudonymised CSV export ({count:,} rows)", "seconds", round(ours, 2), "s",
           target="≤ 2× baseline", met=ours <= 2 * same, baseline=round(same, 2),
           baseline_label="bare csv.writer, same rows")
    print(f"pseudonymised CSV, {count:,} rows, streamed: {ours:.2f} s")
    print(f"  a bare csv.writer over the same rows: {same:.2f} s ({ours / same:.2f}×, target ≤ 3×)")
    print(f"  a bare csv.writer over the referrals' stored columns, no pseudonymising: "
          f"{baseline:.2f} s ({ours / baseline:.2f}×)")

    def xlsx() -> int:
        data = tablib.Dataset(*exports.research_rows(), headers=exports.RESEARCH_COLUMNS)
        return len(XLSX().export_data(data))

    if args.xlsx:
        xlsx_seconds = best(xlsx, rounds=1)
        print(f"pseudonymised XLSX (tablib, in memory), {count:,} rows: {xlsx_seconds:.2f} s")
        record(f"pseudonymised XLSX export ({count:,} rows)", "seconds", round(xlsx_seconds, 1),
               "s")

    peaks = {}
    for limit in sorted({min(10_000, count), count}):
        tracemalloc.start()
        streamed(limit=limit)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peaks[limit] = peak / 1_048_576
        print(f"peak memory streaming the CSV of {limit:,} rows: {peaks[limit]:.1f} MiB")
    small, large = peaks[min(peaks)], peaks[max(peaks)]
    record(f"pseudonymised CSV export ({count:,} rows)", "peak memory", round(large, 1), "MiB",
           target="flat", met=large <= 1.5 * small + 1, baseline=round(small, 1),
           baseline_label=f"the first {min(peaks):,} rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--existing", action="store_true",
                        help="measure the referrals in DATABASE_URL instead of generating them")
    parser.add_argument("--no-xlsx", dest="xlsx", action="store_false",
                        help="leave out the in-memory XLSX (slow at 100,000 rows)")
    args = parser.parse_args()
    _database.run(lambda: bench(args), prefix="bench-stats-", DEBUG="0",
                  SECRET_KEY="bench-" + "x" * 60)

if __name__ == "__main__":
    main()
