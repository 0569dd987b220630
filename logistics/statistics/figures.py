"""The statistics' figures (DESIGN §6), defined once here; the dashboard, the API, the exports and
the monthly report all take their numbers from this module, then hide small counts with
``logistics.statistics.suppression``.

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
        a follow-up kit stopped while planned is not counted as cancelled.
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
        movements),
        as positive numbers per item.

Use
    ``distribution(period, ("month", "municipality"), municipality=None) -> Table``: one row per
    group with its keys (``Row.keys``, a ``Group(code, name)`` per grouping) and a count per
    measure (``Row.counts``), and ``Table.totals``. Always three queries, whatever the number of
    referrals. ``suppression.suppress(table)`` turns the small counts into "<5" before anything is
    shown or exported. ``key_figures(period)``, ``items_issued(period)`` and ``stock(user)`` give
    the dashboard's other numbers. ``largest(table, limit, other_name)``: a page's table of the
    largest groups only and the rest summed in one row (folded before suppression).

    ``municipality``: None for all, a ``Municipality`` or its code for one, ``UNKNOWN`` for the
    referrals no municipality covers.
"""

import dataclasses
import datetime
import re
import statistics as pystats
import zoneinfo
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from logistics.models import (
    DeliveryMethod,
    MovementKind,
    Municipality,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
    StockMovement,
)
from logistics.models.stock import in_active_language
from logistics.referrals.rules import add_months
from logistics.referrals.workflow import HANDED_OVER
from logistics.stock.selectors import stock_rows_for

# The groupings a table can have, in the order their columns appear. ``method``: the delivery
# method (delivery at the door, pick-up point, post), a field of the referral itself.
GROUPINGS = ("month", "organisation", "kit_type", "municipality", "method")
MEASURES = ("referred", "approved", "rejected", "cancelled", "delivered", "delivered_in_time")
DECISIONS = {
    "approved": ReferralStatus.APPROVED,
    "rejected": ReferralStatus.REJECTED,
    "cancelled": ReferralStatus.CANCELLED,
}
# The municipality filter for "no municipality covers the postcode".
UNKNOWN = "unknown"
# A follow-up kit leaving *planned* as its window opened: the moment it counts as referred.
# Stopped while planned, it was never referred, nor is it counted as cancelled.
OPENED = Q(from_status=ReferralStatus.PLANNED) & ~Q(to_status=ReferralStatus.CANCELLED)
STOPPED = Q(from_status=ReferralStatus.PLANNED, to_status=ReferralStatus.CANCELLED)

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
    "approved": gettext_lazy("Approved: referrals approved in the month."),
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
    if municipality is None:
        return Q()
    if municipality == UNKNOWN:
        return Q(**{f"{prefix}municipality__isnull": True})
    if isinstance(municipality, Municipality):
        return Q(**{f"{prefix}municipality": municipality})
    return Q(**{f"{prefix}municipality__code": municipality})


def _month_of(field: str, period: "Period") -> Case:
    """The first day of the month (in the period) of ``field``, by comparing it with the
    months' ends: plain comparisons the database does itself, where a truncation in the time
    zone is a Python function per row on SQLite (``TruncMonth``, 3× slower at 150,000 rows).
    A DateField has no time of day, so no time zone to convert it in."""
    dates = field.endswith("_on")
    whens = []
    for month in period.months:
        end = next_month(month)
        if not dates:
            end = datetime.datetime.combine(end, datetime.time.min, tzinfo=_zone())
        whens.append(When(**{f"{field}__lt": end}, then=Value(month)))
    return Case(*whens, output_field=DateField())


def _dimensions(group_by, prefix: str, month_field: str | None,
                period: "Period") -> tuple[dict, list[str]]:
    """The annotations and ``values()`` fields that group a query by ``group_by``."""
    annotations, fields = {}, []
    for grouping in group_by:
        if grouping == "month":
            annotations["month"] = _month_of(month_field, period)
            fields.append("month")
        elif grouping == "method":
            fields.append(f"{prefix}delivery_method")
        else:
            fields += [f"{prefix}{grouping}__code", f"{prefix}{grouping}__name"]
            if grouping == "kit_type":  # the English name too, for a page in English
                fields.append(f"{prefix}kit_type__name_en")
    return annotations, fields


def _in_time() -> Q:
    """Delivered by the referral's deliver-by day: the stored answer once anonymised, the
    dates before."""
    return Q(delivered_in_time=True) | Q(delivered_in_time__isnull=True,
                                         delivered_on__lte=F("deliver_by"))


def _key_of(values: dict, group_by, prefix: str) -> tuple:
    key = []
    for grouping in group_by:
        if grouping == "month":
            month = values["month"]
            key.append(month.date() if isinstance(month, datetime.datetime) else month)
        elif grouping == "method":
            method = values[f"{prefix}delivery_method"]
            key.append((method, capfirst(str(DeliveryMethod(method).label))))
        elif grouping == "kit_type":
            key.append((values[f"{prefix}kit_type__code"], in_active_language(
                values[f"{prefix}kit_type__name"], values[f"{prefix}kit_type__name_en"])))
        else:
            key.append((values[f"{prefix}{grouping}__code"], values[f"{prefix}{grouping}__name"]))
    return tuple(key)


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


def _counts(rows: QuerySet, annotations: dict, fields: list[str], **measures) -> Iterable[dict]:
    """The ``measures`` of ``rows`` per group of ``fields`` (made by ``annotations``), or their
    one total when there are none: ``values()`` of no field would group by every column, which
    at 100,000 referrals took the key figures 13 s."""
    if not fields:
        return [rows.aggregate(**measures)]
    return rows.annotate(**annotations).values(*fields).annotate(**measures).order_by()


def distribution(period: Period, group_by: Iterable[str] = ("month",), *,
                 municipality=None) -> Table:
    """The counts of ``MEASURES`` per group of ``group_by`` in ``period`` (see the module's
    definitions), unsuppressed. Three aggregate queries: referrals by ``created_at``, status
    changes by ``at``, deliveries by ``delivered_on``. With ``month`` as the only grouping
    every month of the period has a row, also an empty one; otherwise only groups with a count."""
    group_by = check_group_by(group_by)
    counts: dict[tuple, dict[str, int]] = {}

    def add(rows, prefix, measures):
        for values in rows:
            row = counts.setdefault(_key_of(values, group_by, prefix),
                                    dict.fromkeys(MEASURES, 0))
            for measure in measures:
                row[measure] += values[measure]

    annotations, fields = _dimensions(group_by, "", "created_at", period)
    add(_counts(Referral.objects.filter(municipality_filter(municipality), follows__isnull=True,
                                        created_at__gte=period.start, created_at__lt=period.end),
                annotations, fields, referred=Count("pk")),
        "", ["referred"])

    # Follow-up kits are referred when they open, a change in their history; so the same query
    # counts them.
    annotations, fields = _dimensions(group_by, "referral__", "at", period)
    decided = {measure: Count("referral", distinct=True, filter=Q(to_status=status) & ~STOPPED)
               for measure, status in DECISIONS.items()}
    add(_counts(ReferralStatusChange.objects.filter(
            Q(to_status__in=list(DECISIONS.values())) | OPENED,
            municipality_filter(municipality, "referral__"),
            at__gte=period.start, at__lt=period.end),
            annotations, fields,
            **decided, referred=Count("referral", distinct=True, filter=OPENED)),
        "referral__", [*DECISIONS, "referred"])

    annotations, fields = _dimensions(group_by, "", "delivered_on", period)
    add(_counts(Referral.objects.filter(municipality_filter(municipality),
                                        delivered_on__gte=period.first_month,
                                        delivered_on__lt=period.end_date),
                annotations, fields,
                delivered=Count("pk"), delivered_in_time=Count("pk", filter=_in_time())),
        "", ["delivered", "delivered_in_time"])

    if group_by == ("month",):
        for month in period.months:
            counts.setdefault((month,), dict.fromkeys(MEASURES, 0))
    elif not group_by:
        counts.setdefault((), dict.fromkeys(MEASURES, 0))
    rows = tuple(
        Row(tuple(_group(grouping, value) for grouping, value in zip(group_by, key, strict=True)),
            row)
        for key, row in sorted(counts.items(), key=lambda item: _sort_key(item[0], group_by))
    )
    totals = {measure: sum(row.counts[measure] for row in rows) for measure in MEASURES}
    return Table(period, group_by, rows, totals)


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
    ranked = sorted(range(len(table.rows)), key=lambda n: (
        -table.rows[n].counts[measure], _sort_key_of_row(table, table.rows[n])))
    kept = sorted(ranked[:limit])  # back in the table's order
    rest = [table.rows[n] for n in ranked[limit:]]
    other = Row(tuple(Group(None, other_name) for _grouping in table.group_by),
                {m: sum(row.counts[m] for row in rest) for m in table.measures})
    rows = (*(table.rows[n] for n in kept), other)
    return dataclasses.replace(table, rows=rows), len(rest)


def _sort_key_of_row(table: Table, row: Row) -> tuple:
    return tuple(((group.name or "").casefold(), group.code or "") for group in row.keys)


def referred_in(period: Period | None) -> Q:
    """The referrals referred in ``period`` (ever, if None), as *referred* counts them: made
    then, or for a follow-up kit, opened then."""
    made = Q(follows__isnull=True)
    opened = ReferralStatusChange.objects.filter(OPENED)
    if period is not None:
        made &= Q(created_at__gte=period.start, created_at__lt=period.end)
        opened = opened.filter(at__gte=period.start, at__lt=period.end)
    # ``IN`` the openings, read once, rather than ``EXISTS`` per referral: at 100,000
    # referrals 340 → 70 ms on SQLite.
    return made | Q(pk__in=opened.values("referral_id"))


def status_counts(period: Period | None = None, *, municipality=None) -> dict[str, int]:
    """The referrals referred in ``period`` (all if None) by their current status, every status
    present (0 if none) but *planned*, which a referred kit has left. One query."""
    referrals = Referral.objects.filter(municipality_filter(municipality), referred_in(period))
    found = dict(referrals.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: found.get(status, 0) for status in ReferralStatus.values
            if status != ReferralStatus.PLANNED}


def _days(pairs) -> list[int]:
    zone = _zone()
    return [(later.astimezone(zone).date() - earlier.astimezone(zone).date()).days
            for earlier, later in pairs]


def _median(days: list[int]) -> Decimal | None:
    return Decimal(str(pystats.median(days))) if days else None


def median_days_to(status: str, period: Period, *, municipality=None) -> Decimal | None:
    """The median of the calendar days from referral to going into ``status`` (its history row),
    of the referrals that went into it in ``period`` (for ``delivered``: delivered in it). One
    query for the pairs of times; the median is taken in Python, as no portable SQL median
    exists (PostgreSQL has percentile_cont, SQLite nothing)."""
    # Delivered: handed over, also collected at a pick-up point or shipped by post.
    statuses = HANDED_OVER if status == ReferralStatus.DELIVERED else {status}
    changes = ReferralStatusChange.objects.filter(
        municipality_filter(municipality, "referral__"), to_status__in=list(statuses))
    if status == ReferralStatus.DELIVERED:
        changes = changes.filter(referral__delivered_on__gte=period.first_month,
                                 referral__delivered_on__lt=period.end_date)
    else:
        changes = changes.filter(at__gte=period.start, at__lt=period.end)
    # Counted from the moment it was referred: a follow-up kit's opening, not its planning.
    opened = ReferralStatusChange.objects.filter(OPENED, referral=OuterRef("referral"))
    referred_at = Coalesce(Subquery(opened.values("at")[:1]), "referral__created_at")
    return _median(_days(changes.annotate(referred_at=referred_at)
                         .values_list("referred_at", "at")))


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
    """The dashboard's headline numbers. Six queries."""
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
    """What left the warehouses when kits were packed in ``period`` (ledger ``issue``
    movements), per item, by name. With a municipality: the kits packed for referrals there.
    One query."""
    movements = StockMovement.objects.filter(kind=MovementKind.ISSUE,
                                             created_at__gte=period.start,
                                             created_at__lt=period.end)
    if municipality is not None:
        movements = movements.filter(municipality_filter(municipality, "reservation__referral__"))
    rows = (movements.values("item__sku", "item__name", "item__unit")
            .annotate(issued=Sum("quantity")).order_by("item__name", "item__sku"))
    return [ItemIssued(row["item__sku"], row["item__name"], row["item__unit"], -row["issued"])
            for row in rows]


def stock(user, *, low: bool | None = None):
    """The stock rows the user may see (``logistics.stock.selectors.stock_rows_for``); ``low=True``
    only the items below their low-stock level."""
    return stock_rows_for(user, low=low)


def municipalities() -> list[Municipality]:
    """The municipalities to filter by, by name."""
    return list(Municipality.objects.order_by("name"))
