"""The statistics' figures (DESIGN §6); the dashboard, the API, the exports and the monthly
report all take their numbers from this module, then hide small counts with
``logistics.statistics.suppression``. It sums the counts that ``logistics.statistics.tally``
keeps per month as referrals change, where each referral's share is worked out (the
definitions below, in code); so a year of 100,000 referrals is a sum of a few thousand rows.

Definitions (shown on the dashboard and in the report through ``DEFINITIONS``)
    Period
        Whole months, ``Period(first_month, last_month)``, both included; ``Period.parse("2026-01",
        "2026-03")``. A month runs from its first day 00:00 to the next month's, in the project's
        time zone (``settings.TIME_ZONE``, Europe/Amsterdam).
    referred
        Referrals submitted in the month (``created_at``). A follow-up kit (``Referral.follows``)
        is referred in the month its time window opened: when it left *planned* (its history
        row's ``at``), not when it was planned; until then it counts nowhere, and one stopped
        while planned was never referred (``referred_in``).
    approved, rejected, cancelled
        Referrals that went into that status in the month (the status-history row's ``at``);
        a follow-up kit stopped while planned is not counted as cancelled, nor a kit taken off
        a pick list (back to *approved*) as approved again.
    delivered
        Kits delivered in the month (the day the volunteer recorded, ``delivered_on``). A kit
        collected at its pick-up point counts as delivered on the day it was collected, a kit
        sent by post on the day it was handed to the parcel service (``workflow.HANDED_OVER``).
    delivered_in_time
        Of those, the kits delivered by their deliver-by day (``Referral.deliver_by``): the end of
        the kit type's time window, e.g. six weeks before the due date for a first kit, six
        months after the birth for a follow-up kit (``referrals.rules.kit_window``). Once a
        referral is anonymised its dates keep only their month, so the answer recorded then
        (``Referral.delivered_in_time``) counts instead.
    municipality
        The municipality of the referral's postcode; a postcode no municipality covers counts as
        "unknown" (``UNKNOWN``).
    method
        The referral's delivery method: delivery at the door, pick-up point, or post.
    approval rate
        approved / (approved + rejected), of the decisions in the period.
    median days to approval / to delivery
        Calendar days (Europe/Amsterdam) from the referral (a follow-up kit: its opening) to its
        approval, or to the recording of its delivery, the middle value of the approvals, or
        deliveries, in the period. The history's times survive anonymisation; the exact
        delivery day does not.
    items issued
        Stock that left a warehouse in the period when kits were packed (the ledger's ``issue``
        movements of the kits' reservations), as positive numbers per item.

Use
    ``distribution(period, ("month", "municipality"), municipality=None) -> Table``: one row per
    group with its keys (``Row.keys``, a ``Group(code, name)`` per grouping) and a count per
    measure (``Row.counts``), and ``Table.totals``. One query, whatever the number of
    referrals; ``largest=15`` keeps only the largest groups and sums the rest in one row, for a
    page (``largest(table, …)`` does the same to a table made whole).
    ``suppression.suppress(table)`` turns the small counts into "<5" before anything is shown
    or exported. ``key_figures(period)``, ``items_issued(period)`` and ``stock(user)`` give the
    dashboard's other numbers.

    ``municipality``: None for all, a ``Municipality`` or its code for one, ``UNKNOWN`` for the
    referrals no municipality covers.
"""

import dataclasses
import datetime
import functools
import heapq
import operator
import re
import statistics as pystats
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from logistics.models import (
    DeliveryMethod,
    Item,
    KitType,
    Municipality,
    ReferralStatus,
    ReferralStatusChange,
)
from logistics.models.statistics import FigureCount, FigureTally
from logistics.models.stock import in_active_language
from logistics.referrals.rules import add_months
from logistics.stock.selectors import stock_rows_for
from startpakket.models import Organisation

# The groupings a table can have, in the order their columns appear. ``method``: the delivery
# method (delivery at the door, pick-up point, post), a field of the referral itself.
GROUPINGS = ("month", "organisation", "kit_type", "municipality", "method")
MEASURES = ("referred", "approved", "rejected", "cancelled", "delivered", "delivered_in_time")
# The municipality filter for "no municipality covers the postcode".
UNKNOWN = "unknown"
# A follow-up kit leaving *planned* as its window opened: the moment it counts as referred
# (``tally.opened``), as a filter of the history for the row-level export.
OPENED = Q(from_status=ReferralStatus.PLANNED) & ~Q(to_status=ReferralStatus.CANCELLED)

GROUPING_LABELS = {
    "month": gettext_lazy("month"),
    "organisation": gettext_lazy("referring organisation"),
    "kit_type": gettext_lazy("kit type"),
    "municipality": gettext_lazy("municipality"),
    "method": gettext_lazy("delivery method"),
}
MEASURE_LABELS = {
    "referred": gettext_lazy("referred"),
    "approved": gettext_lazy("approved"),
    "rejected": gettext_lazy("rejected"),
    "cancelled": gettext_lazy("cancelled"),
    "delivered": gettext_lazy("delivered"),
    "delivered_in_time": gettext_lazy("delivered in time"),
}
DEFINITIONS = {
    "period": gettext_lazy(
        "A period is one or more whole calendar months (Europe/Amsterdam time)."),
    "referred": gettext_lazy(
        "Referred: referrals submitted in the month. A follow-up kit counts in the month its "
        "time window opened, not when it was planned; one stopped before that counts nowhere."),
    "approved": gettext_lazy(
        "Approved: referrals approved in the month (a kit taken off a pick list is not "
        "approved again)."),
    "rejected": gettext_lazy("Rejected: referrals rejected in the month."),
    "cancelled": gettext_lazy("Cancelled: referrals cancelled in the month."),
    "delivered": gettext_lazy(
        "Delivered: kits delivered in the month (the day the delivery took place; for a "
        "pick-up point the day the kit was collected, for post the day it was shipped)."),
    "delivered_in_time": gettext_lazy(
        "Delivered in time: of the kits delivered, those delivered by the end of their kit "
        "type’s time window, e.g. six weeks before the due date for a first kit, six months "
        "after the birth for a follow-up kit."),
    "municipality": gettext_lazy(
        "Municipality: where the family lives, by the postcode; a postcode no municipality "
        "covers counts as “unknown”."),
    "approval_rate": gettext_lazy(
        "Approval rate: approved as a share of approved and rejected in the period."),
    "median_days": gettext_lazy(
        "Median days: the middle number of calendar days from the referral to its approval, or "
        "to the recording of its delivery, of those approved or delivered in the period."),
    "items_issued": gettext_lazy(
        "Items issued: stock that left the warehouses when kits were packed in the period."),
    "small_counts": gettext_lazy(
        "Counts from 1 to 4 are shown as “<5”, and where a total would reveal such a count, "
        "the next smallest count is hidden too (“x”); so is “delivered in time” where it would "
        "reveal that 1 to 4 kits were late, or a hidden number delivered."),
}

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def parse_month(text: str) -> datetime.date:
    """``"2026-10"`` → ``date(2026, 10, 1)``; ``ValueError`` for anything else."""
    match = _MONTH.match(text or "")
    if not match:
        raise ValueError(_("Enter a month as YYYY-MM, such as 2026-10."))
    year, month = int(match[1]), int(match[2])
    if not (1 <= month <= 12 and 2000 <= year <= 2999):
        raise ValueError(_("Enter a month as YYYY-MM, such as 2026-10."))
    return datetime.date(year, month, 1)


def next_month(month: datetime.date) -> datetime.date:
    return add_months(month.replace(day=1), 1)


def month_code(month: datetime.date) -> str:
    return f"{month:%Y-%m}"


def month_name(month: datetime.date) -> str:
    """"oktober 2026" in Dutch, "October 2026" in English."""
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


@dataclasses.dataclass(frozen=True)
class Period:
    """Whole months from ``first_month`` to ``last_month``, both included (first days)."""

    first_month: datetime.date
    last_month: datetime.date

    def __post_init__(self):
        object.__setattr__(self, "first_month", self.first_month.replace(day=1))
        object.__setattr__(self, "last_month", self.last_month.replace(day=1))
        if self.last_month < self.first_month:
            raise ValueError(_("The period ends before it starts."))

    @classmethod
    def parse(cls, first: str, last: str | None = None) -> "Period":
        """From ``YYYY-MM`` texts; one month if ``last`` is None. ``ValueError`` if bad."""
        first_month = parse_month(first)
        return cls(first_month, parse_month(last) if last is not None else first_month)

    @classmethod
    def month(cls, month: datetime.date) -> "Period":
        return cls(month, month)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        first = datetime.date(year, 3 * quarter - 2, 1)
        return cls(first, datetime.date(year, 3 * quarter, 1))

    @property
    def months(self) -> list[datetime.date]:
        months, month = [], self.first_month
        while month <= self.last_month:
            months.append(month)
            month = next_month(month)
        return months

    @property
    def end_date(self) -> datetime.date:
        """The first day after the period."""
        return next_month(self.last_month)

    @property
    def start(self) -> datetime.datetime:
        return datetime.datetime.combine(self.first_month, datetime.time.min, tzinfo=_zone())

    @property
    def end(self) -> datetime.datetime:
        """The first moment after the period (exclusive)."""
        return datetime.datetime.combine(self.end_date, datetime.time.min, tzinfo=_zone())

    @property
    def code(self) -> str:
        first, last = month_code(self.first_month), month_code(self.last_month)
        return first if first == last else f"{first}_{last}"

    def __str__(self) -> str:
        if self.first_month == self.last_month:
            return month_name(self.first_month)
        return f"{month_name(self.first_month)} – {month_name(self.last_month)}"


@dataclasses.dataclass(frozen=True)
class Group:
    """One value of a grouping: a month (code ``2026-10``), an organisation, kit type or
    municipality (their codes). The unknown municipality has code None."""

    code: str | None
    name: str


Cell = int | str  # a count, or (after suppression) "<5" or "x"


@dataclasses.dataclass(frozen=True)
class Row:
    keys: tuple[Group, ...]  # one per grouping of the table, in its order
    counts: dict[str, Cell]  # measure → count

    def key(self, grouping: str, group_by: Sequence[str]) -> Group:
        return self.keys[list(group_by).index(grouping)]


@dataclasses.dataclass(frozen=True)
class Table:
    period: Period
    group_by: tuple[str, ...]
    rows: tuple[Row, ...]
    totals: dict[str, Cell]
    measures: tuple[str, ...] = MEASURES
    suppressed: bool = False  # True once ``suppression.suppress`` hid the small counts
    folded: int = 0  # the groups summed in the last row (``largest``); 0: every group a row

    def group(self, row: Row, grouping: str) -> Group:
        return row.keys[self.group_by.index(grouping)]

    def columns(self) -> list[str]:
        """The flat column names of ``records()``: each grouping's code (and ``_name`` for the
        named ones), then the measures."""
        columns = []
        for grouping in self.group_by:
            columns.append(grouping)
            if grouping != "month":
                columns.append(f"{grouping}_name")
        return columns + list(self.measures)

    def records(self) -> list[dict[str, object]]:
        """The rows as flat dicts (``columns()``): what the exports and the API write."""
        records = []
        for row in self.rows:
            record = {}
            for grouping, group in zip(self.group_by, row.keys, strict=True):
                record[grouping] = group.code
                if grouping != "month":
                    record[f"{grouping}_name"] = group.name
            record.update({measure: row.counts[measure] for measure in self.measures})
            records.append(record)
        return records


def check_group_by(group_by: Iterable[str]) -> tuple[str, ...]:
    """The groupings in their fixed order, without repeats; ``ValueError`` naming an unknown
    one."""
    wanted = set()
    for grouping in group_by:
        if grouping not in GROUPINGS:
            raise ValueError(_("Unknown grouping “%(name)s”; choose from %(choices)s.")
                             % {"name": grouping, "choices": ", ".join(GROUPINGS)})
        wanted.add(grouping)
    return tuple(grouping for grouping in GROUPINGS if grouping in wanted)


def municipality_filter(municipality, prefix: str = "") -> Q:
    """The referrals of ``municipality`` (see ``distribution``), as a filter of ``Referral``
    (or, with ``prefix``, of what leads to one)."""
    if municipality is None:
        return Q()
    if municipality == UNKNOWN:
        return Q(**{f"{prefix}municipality__isnull": True})
    if isinstance(municipality, Municipality):
        return Q(**{f"{prefix}municipality": municipality})
    return Q(**{f"{prefix}municipality__code": municipality})


def _counted_in(municipality) -> Q:
    """``municipality_filter`` for the kept counts, whose municipality is an id (0: unknown).
    An id no municipality has any more counts as unknown, as its referrals now do."""
    if municipality is None:
        return Q()
    if municipality == UNKNOWN:
        return ~Q(municipality__in=Municipality.objects.values("pk"))
    if isinstance(municipality, Municipality):
        return Q(municipality=municipality.pk)
    return Q(municipality__in=Municipality.objects.filter(code=municipality).values("pk"))


def _in_period(period: Period | None) -> Q:
    if period is None:
        return Q()
    return Q(month__gte=period.first_month, month__lte=period.last_month)


def _rows_for(group_by: tuple[str, ...]) -> str:
    """The kept rows that hold ``group_by`` (``tally.GROUPINGS``): by the one grouping that is
    not month or municipality, every column for more than one, the smallest for none."""
    named = [grouping for grouping in group_by if grouping not in ("month", "municipality")]
    if len(named) > 1:
        return "all"
    return named[0] if named else "kit_type"


NAMED = {
    "organisation": (Organisation, ("code", "name")),
    "kit_type": (KitType, ("code", "name", "name_en")),
    "municipality": (Municipality, ("code", "name")),
}


def _key_makers(group_by: tuple[str, ...], found: list[tuple]) -> list:
    """Per grouping, a function from the value the counts keep to the key ``_group`` takes:
    the names of the organisations, kit types and municipalities in ``found`` in one query
    each. An id no longer found is the unknown municipality."""
    unknown = (None, "")

    def month(value):
        return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)

    def method(value):
        return (value, capfirst(str(DeliveryMethod(value).label)))

    def named(grouping, position):
        model, fields = NAMED[grouping]
        names = {pk: rest for pk, *rest in model.objects.filter(
            pk__in={values[position] for values in found}).values_list("pk", *fields)}
        if grouping == "kit_type":
            return lambda value: ((names[value][0], in_active_language(*names[value][1:]))
                                  if value in names else unknown)
        return lambda value: tuple(names.get(value, unknown))

    return [month if grouping == "month" else method if grouping == "method"
            else named(grouping, position) for position, grouping in enumerate(group_by)]


def _group(grouping: str, value) -> Group:
    if grouping == "month":
        return Group(month_code(value), month_name(value))
    code, name = value
    if grouping == "municipality" and code is None:
        return Group(None, _("unknown"))
    return Group(code, name)


def _sort_key(key: tuple, group_by) -> tuple:
    """Months in order, delivery methods in theirs; the rest by name, the unknown
    municipality last."""
    parts = []
    for grouping, value in zip(group_by, key, strict=True):
        if grouping == "month":
            parts.append((0, value.isoformat()))
        elif grouping == "method":
            parts.append((0, DeliveryMethod.values.index(value[0])))
        else:
            code, name = value
            parts.append((1 if code is None else 0, (name or "").casefold(), code or ""))
    return tuple(parts)


def distribution(period: Period, group_by: Iterable[str] = ("month",), *,
                 municipality=None, largest: int | None = None,
                 other: Callable[[int], str] | None = None) -> Table:
    """The counts of ``MEASURES`` per group of ``group_by`` in ``period`` (see the module's
    definitions), unsuppressed. One query of the kept counts (``tally``), and one for the
    names of each grouping that has them. With ``month`` as the only grouping every month of
    the period has a row, also an empty one; otherwise only groups with a count.

    ``largest``: only that many groups, those with the most referred, and one last row
    summing the rest, named ``other(how many)`` (see ``largest()``); made without a row for
    each of 4,000 organisations, of which a page shows 15 (three queries of the kept counts:
    ``_fetch_largest``'s two and the totals)."""
    group_by = check_group_by(group_by)
    # A kept row is never below nothing, so a group whose counts all came back to nothing (a
    # referral moved elsewhere) is one whose rows all hold nothing: it has no row here.
    rows = FigureCount.objects.filter(_in_period(period), _counted_in(municipality),
                                      _HOLDS_A_COUNT, grouping=_rows_for(group_by))
    sums = {measure: Sum(measure) for measure in MEASURES}
    width = len(group_by)
    folded = 0
    if group_by and largest is not None:
        found, groups = _fetch_largest(rows, group_by, largest, sums)
        folded = max(groups - largest, 0)
        totals = list(distribution(period, (), municipality=municipality).totals.values())
    else:
        if group_by:
            found = _fetch(rows.values_list(*group_by).annotate(**sums).order_by())
        else:  # one total; values() of no field would group by every column
            total = tuple(rows.aggregate(**sums).values())
            found = [total] if total[0] is not None else []  # None: no rows at all
        totals = ([sum(column) for column in zip(*(values[width:] for values in found),
                                                  strict=True)] if found else [0] * len(MEASURES))
    makers = _key_makers(group_by, found)
    counts: dict[tuple, list[int]] = {}
    for values in found:
        key = tuple(make(value) for make, value in zip(makers, values, strict=False))
        numbers = list(values[width:])
        if key in counts:  # an id no longer known, counted with the unknown municipality
            numbers = [a + b for a, b in zip(counts[key], numbers, strict=True)]
        counts[key] = numbers
    if folded:
        counts = dict(_ranked_first(counts, largest, group_by))
    if group_by == ("month",):
        for month in period.months:
            counts.setdefault((month,), [0] * len(MEASURES))
    elif not group_by:
        counts.setdefault((), [0] * len(MEASURES))
    table_rows = [
        Row(tuple(_group(grouping, value) for grouping, value in zip(group_by, key, strict=True)),
            dict(zip(MEASURES, numbers, strict=True)))
        for key, numbers in sorted(counts.items(), key=lambda item: _sort_key(item[0], group_by))]
    if folded:
        shown = [sum(column) for column in zip(*counts.values(), strict=True)]
        table_rows.append(Row(tuple(Group(None, other(folded)) for _grouping in group_by),
                              {measure: total - part for measure, total, part
                               in zip(MEASURES, totals, shown, strict=True)}))
    return Table(period, group_by, tuple(table_rows), dict(zip(MEASURES, totals, strict=True)),
                 folded=folded)


# A kept row with any count in it.
_HOLDS_A_COUNT = functools.reduce(operator.or_, (~Q(**{measure: 0}) for measure in MEASURES))


def _fetch(rows: QuerySet) -> list[tuple]:
    """The rows as the database returns them: counts and ids are integers already, and a month
    is a date or (SQLite) its ISO text; the ORM's conversion of each value took a third of the
    time at 4,000 organisations."""
    with connection.cursor() as cursor:
        cursor.execute(*rows.query.sql_with_params())
        return cursor.fetchall()


def _fetch_largest(rows: QuerySet, group_by: tuple[str, ...], limit: int,
                   sums: dict) -> tuple[list, int]:
    """Of the kept ``rows``, summed (``sums``) per group of the one grouping in ``group_by``:
    the groups that can be among the ``limit`` with the most referred, those with at least as
    many as the ``limit``-th, ties included (named and put in order by ``_ranked_first``),
    with every measure summed; and how many groups there are. Two queries: the groups with
    only what ranks them, then every measure of the few kept."""
    if len(group_by) != 1:
        raise ValueError("the largest groups of one grouping only")
    groups = _fetch(rows.values_list(*group_by).annotate(most=Sum("referred")).order_by())
    if not groups:
        return [], 0
    least = heapq.nlargest(limit, (most for _key, most in groups))[-1]
    kept = [key for key, most in groups if most >= least]
    found = _fetch(rows.filter(**{f"{group_by[0]}__in": kept}).values_list(*group_by)
                   .annotate(**sums).order_by())
    return found, len(groups)


def _ranked_first(counts: dict[tuple, list[int]], limit: int, group_by) -> list:
    """The ``limit`` groups with the most referred, ties in the table's order (by name)."""
    items = sorted(counts.items(), key=lambda item: _sort_key(item[0], group_by))
    referred = MEASURES.index("referred")
    kept, _rest = _ranked([numbers[referred] for _key, numbers in items], limit)
    return [items[n] for n in kept]


def _ranked(values: list[int], limit: int) -> tuple[list[int], list[int]]:
    """The positions of the ``limit`` largest ``values`` (ties: the earlier one), in their
    order, and those of the rest."""
    ranked = sorted(range(len(values)), key=lambda n: (-values[n], n))
    return sorted(ranked[:limit]), ranked[limit:]


def largest(table: Table, limit: int, other_name: str, *,
            measure: str = "referred") -> tuple[Table, int]:
    """The table with only its ``limit`` largest groups by ``measure`` (ties by name), in their
    order, and one last row summing the rest, named ``other_name`` (code None); and how many
    groups that row holds (0: the table as it was, when it has no more than ``limit`` rows).
    The totals stay the table's. Unsuppressed in, unsuppressed out: hiding the small counts
    afterwards treats the summed row as one group, so it cannot give a hidden group away. For
    a page's chart and table; the exports keep every group."""
    if table.suppressed:
        raise ValueError("fold before hiding the small counts")
    if len(table.rows) <= limit:
        return table, 0
    # Ties in the table's order: by name (the unknown municipality last).
    kept, rest = _ranked([row.counts[measure] for row in table.rows], limit)
    other = Row(tuple(Group(None, other_name) for _grouping in table.group_by),
                {m: sum(table.rows[n].counts[m] for n in rest) for m in table.measures})
    rows = (*(table.rows[n] for n in kept), other)
    return dataclasses.replace(table, rows=rows, folded=len(rest)), len(rest)


def referred_in(period: Period | None) -> Q:
    """The referrals referred in ``period`` (ever, if None), as *referred* counts them: made
    then, or for a follow-up kit, opened then. For the row-level export."""
    made = Q(follows__isnull=True)
    opened = ReferralStatusChange.objects.filter(OPENED)
    if period is not None:
        made &= Q(created_at__gte=period.start, created_at__lt=period.end)
        opened = opened.filter(at__gte=period.start, at__lt=period.end)
    # ``IN`` the openings, read once, rather than ``EXISTS`` per referral: at 100,000
    # referrals 340 → 70 ms on SQLite.
    return made | Q(pk__in=opened.values("referral_id"))


def _tally(measure: str, period: Period | None, municipality) -> dict[str, int]:
    """A kept tally (``tally``) summed over the period's months: value → count; for all
    municipalities from the rows kept for them together. One query."""
    where = (Q(municipality=FigureTally.ALL_MUNICIPALITIES) if municipality is None
             else _counted_in(municipality) & ~Q(municipality=FigureTally.ALL_MUNICIPALITIES))
    return dict(FigureTally.objects.filter(_in_period(period), where, measure=measure)
                .values_list("value").annotate(n=Sum("count")).order_by())


def status_counts(period: Period | None = None, *, municipality=None) -> dict[str, int]:
    """The referrals referred in ``period`` (all if None) by their current status, every status
    present (0 if none) but *planned*, which a referred kit has left. One query."""
    found = _tally("status", period, municipality)
    return {status: found.get(status, 0) for status in ReferralStatus.values
            if status != ReferralStatus.PLANNED}


def _median(days: list[int]) -> Decimal | None:
    return Decimal(str(pystats.median(days))) if days else None


def median_of_tally(counts: dict[int, int]) -> Decimal | None:
    """The median of the values that occur ``counts[value]`` times: the middle one, or the
    mean of the middle two, as ``statistics.median`` of them all would give."""
    total = sum(counts.values())
    wanted = sorted({(total - 1) // 2, total // 2}) if total else []
    middle, seen = [], 0
    for value in sorted(counts):
        seen += counts[value]
        while wanted and wanted[0] < seen:
            middle.append(value)
            wanted.pop(0)
    return _median(middle)


def median_days_to(status: str, period: Period, *, municipality=None) -> Decimal | None:
    """The median of the calendar days from referral to approval (``status`` approved) or to
    being handed over (delivered), of those approved or delivered in ``period``. One query."""
    measure = "days_to_delivery" if status == ReferralStatus.DELIVERED else "days_to_approval"
    found = _tally(measure, period, municipality)
    return median_of_tally({int(days): n for days, n in found.items() if n})


def share(part: int, whole: int) -> Decimal | None:
    """``part / whole`` as a percentage with one decimal; None if ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


@dataclasses.dataclass(frozen=True)
class KeyFigures:
    period: Period
    totals: dict[str, int]  # MEASURES → count in the period
    by_status: dict[str, int]  # current status of the referrals submitted in the period
    median_days_to_approval: Decimal | None
    median_days_to_delivery: Decimal | None

    @property
    def decided(self) -> int:
        return self.totals["approved"] + self.totals["rejected"]

    @property
    def approval_rate(self) -> Decimal | None:
        """Percentage approved of approved and rejected."""
        return share(self.totals["approved"], self.decided)

    @property
    def share_in_time(self) -> Decimal | None:
        """Percentage of the kits delivered in the period that arrived in time."""
        return share(self.totals["delivered_in_time"], self.totals["delivered"])


def key_figures(period: Period, *, municipality=None) -> KeyFigures:
    """The dashboard's headline numbers. Four queries."""
    return KeyFigures(
        period=period,
        totals=distribution(period, (), municipality=municipality).totals,
        by_status=status_counts(period, municipality=municipality),
        median_days_to_approval=median_days_to(ReferralStatus.APPROVED, period,
                                               municipality=municipality),
        median_days_to_delivery=median_days_to(ReferralStatus.DELIVERED, period,
                                               municipality=municipality),
    )


@dataclasses.dataclass(frozen=True)
class ItemIssued:
    sku: str
    name: str
    unit: str
    quantity: int  # positive: what left the shelves


def items_issued(period: Period, *, municipality=None) -> list[ItemIssued]:
    """What left the warehouses when kits were packed in ``period`` (the ledger's ``issue``
    movements of the kits' reservations), per item, by name. With a municipality: the kits
    packed for referrals there. Two queries."""
    issued = {int(pk): n for pk, n in _tally("issued", period, municipality).items() if n}
    items = Item.objects.filter(pk__in=issued).order_by("name", "sku")
    return [ItemIssued(item.sku, item.name, item.unit, issued[item.pk]) for item in items]


def stock(user, *, low: bool | None = None):
    """The stock rows the user may see (``logistics.stock.selectors.stock_rows_for``); ``low=True``
    only the items below their low-stock level."""
    return stock_rows_for(user, low=low)


def municipalities() -> list[Municipality]:
    """The municipalities to filter by, by name."""
    return list(Municipality.objects.order_by("name"))
