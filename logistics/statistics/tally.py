"""Keeping the statistics' counts (``logistics.models.statistics``): what one referral counts
for, and bringing the stored counts in line with it after every change.

The definitions of DESIGN §6, for one referral (``contribution``); ``figures`` sums them:
    referred
        In the month it was made (``created_at``); a follow-up kit in the month its time
        window opened (its history's change out of *planned*, not into *cancelled*), and never
        if it was stopped while planned.
    approved, rejected, cancelled
        In each month it went into that status; approved by a decision (from *submitted*, or
        *planned* for a follow-up kit whose first decision carries over): a kit taken off a
        pick list (*scheduled* → *approved*) was not approved again. A follow-up kit stopped
        while planned was not cancelled.
    delivered, delivered_in_time
        In the month of ``delivered_on``; in time when delivered by ``deliver_by``, or once
        anonymised, as recorded then (``delivered_in_time``).
    status (a tally)
        Its current status, in the month it was referred.
    days_to_approval, days_to_delivery (tallies)
        Calendar days (Europe/Amsterdam) from being referred to each approval (in the month of
        the approval) or to being handed over (in the month of ``delivered_on``).
    issued (a tally)
        What was packed for it: the ledger's issue movements of its reservation, by item, in
        the month of the movement.
All of them with the referral's current organisation, kit type, municipality and method.

Use: every service that changes a referral calls ``referrals.changes.changed(ids)`` in its
transaction, which calls ``recount(referral_ids)`` (``logistics.apps`` hands it over; a new
referral goes to ``count_made``, which has all it needs in memory); it reads
the referrals as they are now, takes away what each counted before (``CountedReferral``) and
adds what it counts now. A call for an
unchanged referral changes nothing, so calling it once too often is harmless, and a referral
changed behind the services' back (a data fix) is right again at its next recount.
``rebuild()`` (``manage.py recount_statistics``) counts everything afresh. Whatever changes a
count drops the dashboard's figures kept in every process (``kept_figures``).

Seven queries per call, however many referrals (in chunks of ``CHUNK``).
"""

import dataclasses
import datetime
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import connection, transaction

from logistics.models import MovementKind, Referral, ReferralStatusChange, StockMovement
from logistics.models import ReferralStatus as S
from logistics.models.statistics import CountedReferral, FigureCount, FigureTally
from logistics.referrals import changes
from logistics.referrals.workflow import HANDED_OVER
from logistics.statistics import kept_figures
from logistics.statistics.figures import MEASURES
from startpakket import bulk

# The rows each count is kept in: every key column (``all``) and by one grouping.
GROUPINGS = ("all", "organisation", "kit_type", "method")
DECIDED = {S.APPROVED: "approved", S.REJECTED: "rejected", S.CANCELLED: "cancelled"}
CHUNK = 1000


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _local_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(_zone()).date()


def _month(day: datetime.date) -> str:
    return day.replace(day=1).isoformat()


def opened(from_status: str, to_status: str) -> bool:
    """A follow-up kit's window opened: out of *planned*, not stopped."""
    return from_status == S.PLANNED and to_status != S.CANCELLED


def decided(from_status: str, to_status: str) -> str | None:
    """The decision (``approved``, ``rejected``, ``cancelled``) a change is, if any."""
    if to_status == S.APPROVED and from_status == S.SCHEDULED:
        return None  # taken off a pick list, not approved again
    if to_status == S.CANCELLED and from_status == S.PLANNED:
        return None  # a follow-up kit stopped before it was referred
    return DECIDED.get(to_status)


@dataclasses.dataclass
class Contribution:
    """What one referral counts for: its groups (municipality id or 0, organisation id, kit
    type id, method), ``counts`` (month, measure) → n and ``tallies`` (month, measure, value)
    → n, months as ``YYYY-MM-01``."""

    dims: tuple[int, int, int, str]
    counts: Counter
    tallies: Counter

    def to_json(self) -> dict:
        return {"dims": list(self.dims),
                "counts": [[*key, n] for key, n in sorted(self.counts.items()) if n],
                "tallies": [[*key, n] for key, n in sorted(self.tallies.items()) if n]}

    @classmethod
    def from_json(cls, data: dict) -> "Contribution":
        return cls(tuple(data["dims"]), Counter({(m, k): n for m, k, n in data["counts"]}),
                   Counter({(m, k, v): n for m, k, v, n in data["tallies"]}))


def contribution(referral: dict, changes: list[tuple], issues: list[tuple]) -> Contribution:
    """The definitions above for one referral: ``referral`` its fields (``FIELDS``),
    ``changes`` its history as (from, to, at) in order, ``issues`` its reservation's issue
    movements as (item id, quantity, created_at)."""
    counts, tallies = Counter(), Counter()
    referred_at = referral["created_at"] if referral["follows_id"] is None else None
    for from_status, to_status, at in changes:
        if referred_at is None and opened(from_status, to_status):
            referred_at = at
    if referred_at is not None:
        referred_month = _month(_local_date(referred_at))
        counts[(referred_month, "referred")] = 1
        tallies[(referred_month, "status", referral["status"])] = 1
    for from_status, to_status, at in changes:
        decision = decided(from_status, to_status)
        if decision is None:
            continue
        month = _month(_local_date(at))
        counts[(month, decision)] = 1  # once a month, however often
        if decision == "approved" and referred_at is not None:
            days = (_local_date(at) - _local_date(referred_at)).days
            tallies[(month, "days_to_approval", str(days))] += 1
    delivered_on = referral["delivered_on"]
    if delivered_on is not None:
        month = _month(delivered_on)
        counts[(month, "delivered")] = 1
        in_time = referral["delivered_in_time"]
        if in_time is None:
            in_time = delivered_on <= referral["deliver_by"]
        if in_time:
            counts[(month, "delivered_in_time")] = 1
        handed_over = [at for _from, to_status, at in changes if to_status in HANDED_OVER]
        if handed_over and referred_at is not None:
            days = (_local_date(handed_over[-1]) - _local_date(referred_at)).days
            tallies[(month, "days_to_delivery", str(days))] += 1
    for item_id, quantity, at in issues:
        tallies[(_month(_local_date(at)), "issued", str(item_id))] -= quantity
    dims = (referral["municipality_id"] or 0, referral["organisation_id"],
            referral["kit_type_id"], referral["delivery_method"])
    return Contribution(dims, counts, tallies)


FIELDS = ("pk", "follows_id", "created_at", "status", "delivered_on", "deliver_by",
          "delivered_in_time", "municipality_id", "organisation_id", "kit_type_id",
          "delivery_method", "reservation_id")


def _contributions(referral_ids: list[int]) -> dict[int, Contribution]:
    """The referrals' contributions as they are now: three queries."""
    referrals = list(Referral.objects.filter(pk__in=referral_ids).order_by().values(*FIELDS))
    changes = defaultdict(list)
    for referral_id, *change in (ReferralStatusChange.objects
                                 .filter(referral_id__in=referral_ids).order_by("at", "pk")
                                 .values_list("referral_id", "from_status", "to_status", "at")):
        changes[referral_id].append(change)
    reservations = {r["reservation_id"]: r["pk"] for r in referrals if r["reservation_id"]}
    issues = defaultdict(list)
    if reservations:
        for reservation_id, *issue in (StockMovement.objects
                                       .filter(kind=MovementKind.ISSUE,
                                               reservation_id__in=list(reservations))
                                       .order_by()
                                       .values_list("reservation_id", "item_id", "quantity",
                                                    "created_at")):
            issues[reservations[reservation_id]].append(issue)
    return {r["pk"]: contribution(r, changes[r["pk"]], issues[r["pk"]]) for r in referrals}


def _rows(part: Contribution, sign: int, counts: dict, tallies: Counter) -> None:
    """Add ``part`` × ``sign`` to the rows it is kept in."""
    municipality, organisation, kit_type, method = part.dims
    keys = {"all": (organisation, kit_type, method), "organisation": (organisation, 0, ""),
            "kit_type": (0, kit_type, ""), "method": (0, 0, method)}
    for (month, measure), n in part.counts.items():
        for grouping in GROUPINGS:
            counts[(grouping, month, municipality, *keys[grouping])][measure] += sign * n
    for (month, measure, value), n in part.tallies.items():
        tallies[(month, municipality, measure, value)] += sign * n
        tallies[(month, FigureTally.ALL_MUNICIPALITIES, measure, value)] += sign * n


def recount(referral_ids: Iterable[int]) -> None:
    """Bring the counts in line with these referrals as they are now (see the module). Call it
    inside the transaction that changed them."""
    referral_ids = sorted(set(referral_ids))
    for start in range(0, len(referral_ids), CHUNK):
        _recount(referral_ids[start:start + CHUNK])


@transaction.atomic(savepoint=False)
def count_made(new: changes.New) -> None:
    """Count referrals just made (``referrals.changes.made``): each with the history rows made
    with it, counted before by nothing. What ``recount`` would read back is all in memory, so
    three writes and no reads."""
    counts, tallies = defaultdict(Counter), Counter()
    counted = []
    for referral, history in new:
        part = contribution({name: getattr(referral, name) for name in FIELDS},
                            [(c.from_status, c.to_status, c.at) for c in history], [])
        _rows(part, 1, counts, tallies)
        counted.append(CountedReferral(referral_id=referral.pk, counted=part.to_json()))
    _add_counts(counts)
    _add_tallies(tallies)
    CountedReferral.objects.bulk_create(counted)
    kept_figures.changed()


# In the caller's transaction, without a savepoint of its own (two more queries per change).
@transaction.atomic(savepoint=False)
def _recount(referral_ids: list[int]) -> None:
    now = _contributions(referral_ids)
    before = {pk: Contribution.from_json(counted) for pk, counted in CountedReferral.objects
              .filter(referral_id__in=referral_ids).values_list("referral_id", "counted")}
    counts, tallies = defaultdict(Counter), Counter()
    changed = []
    for pk, part in now.items():
        old = before.pop(pk, None)
        if old is not None and old.to_json() == part.to_json():
            continue
        if old is not None:
            _rows(old, -1, counts, tallies)
        _rows(part, 1, counts, tallies)
        changed.append(CountedReferral(referral_id=pk, counted=part.to_json()))
    for old in before.values():  # gone since (not done by the application)
        _rows(old, -1, counts, tallies)
    _add_counts(counts)
    _add_tallies(tallies)
    if changed:
        CountedReferral.objects.bulk_create(changed, update_conflicts=True,
                                            unique_fields=["referral"],
                                            update_fields=["counted"])
    if changed or before:
        kept_figures.changed()


def _upsert(model, key: list[str], values: list[str], rows: list[tuple]) -> None:
    """Add ``rows`` (the key's columns, then the values') to the stored ones: one statement,
    the same on SQLite and PostgreSQL, safe when two transactions add to one row at once."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [*key, *values]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    updates = ", ".join(f"{connection.ops.quote_name(c)} = {table}.{connection.ops.quote_name(c)}"
                        f" + excluded.{connection.ops.quote_name(c)}" for c in values)
    conflict = ", ".join(connection.ops.quote_name(c) for c in key)
    # Table and column names come from the model, values go as parameters.
    sql = (f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))}) "  # noqa: S608
           f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}")
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _date(month: str):
    return connection.ops.adapt_datefield_value(datetime.date.fromisoformat(month))


COUNT_KEY = ["grouping", "month", "municipality", "organisation", "kit_type", "method"]
TALLY_KEY = ["measure", "month", "municipality", "value"]


def _count_rows(counts: dict) -> list[tuple]:
    return [(grouping, _date(month), municipality, organisation, kit_type, method,
             *(measures[m] for m in MEASURES))
            for (grouping, month, municipality, organisation, kit_type, method), measures
            in sorted(counts.items()) if any(measures.values())]


def _tally_rows(tallies: Counter) -> list[tuple]:
    return [(measure, _date(month), municipality, value, n)
            for (month, municipality, measure, value), n in sorted(tallies.items()) if n]


def _add_counts(counts: dict) -> None:
    _upsert(FigureCount, COUNT_KEY, list(MEASURES), _count_rows(counts))


def _add_tallies(tallies: Counter) -> None:
    _upsert(FigureTally, TALLY_KEY, ["count"], _tally_rows(tallies))


def _all_ids() -> Iterator[list[int]]:
    ids = list(Referral.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


@transaction.atomic
def rebuild() -> int:
    """Count everything afresh: every referral as it is now. Answers how many referrals were
    counted. For the load and demo data, and after a fix in the data by hand.

    The tables are emptied and written whole (``startpakket.bulk``; 100,000 referrals on
    PostgreSQL 101 → 48 s, on SQLite 69 → 54 s, of which reading and counting them 40), so no
    other transaction may write to them meanwhile: a referral made or changed now waits to
    count itself until this one ends, and is then added to what it counted (one this
    transaction did not see yet) or moved from it (one it did)."""
    bulk.lock_for_writing(*(model._meta.db_table
                            for model in (FigureCount, FigureTally, CountedReferral)))
    FigureCount.objects.all().delete()
    FigureTally.objects.all().delete()
    CountedReferral.objects.all().delete()
    counts, tallies = defaultdict(Counter), Counter()
    counted = 0
    for ids in _all_ids():
        parts = _contributions(ids)
        for part in parts.values():
            _rows(part, 1, counts, tallies)
        bulk.create([CountedReferral(referral_id=pk, counted=part.to_json())
                     for pk, part in parts.items()])
        counted += len(parts)
    bulk.insert_rows(FigureCount._meta.db_table, [*COUNT_KEY, *MEASURES], _count_rows(counts))
    bulk.insert_rows(FigureTally._meta.db_table, [*TALLY_KEY, "count"], _tally_rows(tallies))
    kept_figures.changed()
    return counted
