"""What the dashboard and the monthly report show, as plain data: the figures of
``figures`` with the small counts hidden by ``suppression``, the charts' data, and the
municipality's statement. The page and the PDF draw this and compute nothing themselves, so
they cannot disagree with each other or with the exports.

Rates and medians are hidden ("x") where they are taken over fewer than the small-count
threshold, or where their part or its complement is a small count: "75% of 4" would give the
hidden count away.

The statement is the exception to hiding: it is the basis of a payment, so it counts the kits
delivered exactly (``figures.distribution``'s ``delivered``), times the municipality's price.
"""

import dataclasses
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from logistics.models import Municipality, ReferralStatus
from logistics.statistics import charts, figures, suppression
from logistics.statistics.figures import Cell, Period, Table

# The dashboard's tables by one grouping, in the order of the page.
TABLES = ("month", "organisation", "municipality", "kit_type", "method")
# What the charts show of each table.
CHART_MEASURES = ("referred", "approved", "delivered")
HIDDEN = suppression.SECONDARY
# Groupings with no upper bound to their groups (4,000 organisations nationally): the page and
# the report show the LARGEST with the most referred, and the rest summed as one row; the
# exports keep every group.
LARGEST = 15
FOLDED = ("organisation", "municipality")


@dataclasses.dataclass(frozen=True)
class StatementLine:
    municipality: str  # "Utrecht (GM0344)", or "unknown"
    delivered: int  # exact: a statement is the basis of a payment
    price: Decimal | None  # None: no price per kit set
    amount: Decimal | None


@dataclasses.dataclass(frozen=True)
class Statement:
    lines: tuple[StatementLine, ...]

    @property
    def delivered(self) -> int:
        return sum(line.delivered for line in self.lines)

    @property
    def total(self) -> Decimal | None:
        """The sum of the priced lines; None when no line has a price."""
        amounts = [line.amount for line in self.lines if line.amount is not None]
        return sum(amounts, Decimal("0.00")) if amounts else None


@dataclasses.dataclass(frozen=True)
class Content:
    period: Period
    municipality: object  # None (all), figures.UNKNOWN, or a Municipality
    key: figures.KeyFigures
    totals: dict[str, Cell]  # MEASURES, suppressed
    by_status: dict[str, Cell]  # suppressed
    approval_rate: Decimal | str | None  # a percentage, HIDDEN, or None (nothing decided)
    share_in_time: Decimal | str | None
    median_days_to_approval: Decimal | str | None
    median_days_to_delivery: Decimal | str | None
    tables: dict[str, Table]  # TABLES → suppressed table, FOLDED ones the LARGEST + the rest
    statement: Statement
    folded: dict[str, int] = dataclasses.field(default_factory=dict)  # grouping → groups in "other"

    @property
    def municipality_name(self) -> str:
        return municipality_label(self.municipality)

    def chart(self, grouping: str) -> charts.Chart:
        table = self.tables[grouping]
        if self.folded.get(grouping):
            # The summed rest (thousands of small organisations) would dwarf every bar; the
            # table shows it.
            table = dataclasses.replace(table, rows=table.rows[:-1])
        return chart_of(table)


def municipality_label(municipality) -> str:
    if municipality is None:
        return _("All municipalities")
    if municipality == figures.UNKNOWN:
        return _("Unknown municipality")
    return f"{municipality.name} ({municipality.code})"


def _rate(part: int, whole: int) -> Decimal | str | None:
    if not whole:
        return None
    if any(suppression.is_small(count) for count in (part, whole, whole - part)):
        return HIDDEN
    return figures.share(part, whole)


def _median(value: Decimal | None, count: int) -> Decimal | str | None:
    if value is None:
        return None
    return HIDDEN if suppression.is_small(count) else value


def _statement(by_municipality: Table, municipality,
               all_municipalities: list[Municipality]) -> Statement:
    """Per municipality in the table (one, if filtered by one) its kits delivered × its price."""
    prices = {m.code: m.price_per_kit for m in all_municipalities}
    lines = []
    for row in by_municipality.rows:
        group = row.key("municipality", by_municipality.group_by)
        delivered = row.counts["delivered"]
        if not delivered and municipality is None:
            continue
        price = prices.get(group.code)
        lines.append(StatementLine(
            municipality=f"{group.name} ({group.code})" if group.code else group.name,
            delivered=delivered, price=price,
            amount=None if price is None else (price * delivered).quantize(Decimal("0.01"))))
    if not lines and isinstance(municipality, Municipality):
        lines.append(StatementLine(municipality_label(municipality), 0,
                                   municipality.price_per_kit,
                                   None if municipality.price_per_kit is None
                                   else Decimal("0.00")))
    return Statement(tuple(lines))


def content_for(period: Period, municipality=None,
                municipalities: list[Municipality] | None = None) -> Content:
    """Everything the dashboard and the report show for ``period`` and ``municipality`` (None:
    all; ``figures.UNKNOWN``; a ``Municipality``). A fixed number of queries, whatever the
    number of referrals. ``municipalities``: the list already loaded for the filter."""
    if municipalities is None:
        municipalities = figures.municipalities()
    key = figures.key_figures(period, municipality=municipality)
    by_municipality = figures.distribution(period, ("municipality",), municipality=municipality)
    totals = key.totals
    shown, folded = {}, {}
    for grouping in TABLES:
        if grouping == "municipality":
            table, _count = figures.largest(
                by_municipality, LARGEST, _other(grouping, len(by_municipality.rows) - LARGEST))
        else:
            table = figures.distribution(
                period, (grouping,), municipality=municipality,
                largest=LARGEST if grouping in FOLDED else None,
                other=lambda count, grouping=grouping: _other(grouping, count))
        folded[grouping] = table.folded
        # The summed row is hidden like any row, after folding: no hidden group shows through.
        shown[grouping] = suppression.suppress(table)
    return Content(
        period=period,
        municipality=municipality,
        key=key,
        totals=suppression.suppress_totals(totals),
        by_status=suppression.suppress_counts(key.by_status),
        approval_rate=_rate(totals["approved"], key.decided),
        share_in_time=_rate(totals["delivered_in_time"], totals["delivered"]),
        median_days_to_approval=_median(key.median_days_to_approval, totals["approved"]),
        median_days_to_delivery=_median(key.median_days_to_delivery, totals["delivered"]),
        tables=shown,
        statement=_statement(by_municipality, municipality, municipalities),
        folded={grouping: count for grouping, count in folded.items() if count},
    )


def _other(grouping: str, count: int) -> str:
    """The name of the row that sums ``count`` groups."""
    if grouping == "organisation":
        return ngettext("Other organisation (%(count)d)", "Other organisations (%(count)d)",
                        count) % {"count": count}
    return ngettext("Other municipality (%(count)d)", "Other municipalities (%(count)d)",
                    count) % {"count": count}


def status_label(status: str) -> str:
    return ReferralStatus(status).label


def chart_of(table: Table) -> charts.Chart:
    """The chart of a one-grouping table: referred, approved and delivered per group; a hidden
    count draws no bar."""
    grouping = table.group_by[0]
    if grouping == "month":
        categories = tuple(_short_month(row.keys[0].code) for row in table.rows)
    else:
        categories = tuple(row.keys[0].name for row in table.rows)
    series = tuple(
        charts.Series(str(figures.MEASURE_LABELS[measure]).capitalize(),
                      tuple(value if isinstance(value, int) else None
                            for value in (row.counts[measure] for row in table.rows)))
        for measure in CHART_MEASURES)
    return charts.Chart(key=f"chart-{grouping}", title=chart_title(grouping),
                        categories=categories, series=series, horizontal=grouping != "month")


def chart_title(grouping: str) -> str:
    return {
        "month": _("Referred, approved and delivered per month"),
        "organisation": _("Per referring organisation"),
        "municipality": _("Per municipality"),
        "kit_type": _("Per kit type"),
        "method": _("Per delivery method"),
    }[grouping]


def _short_month(code: str) -> str:
    """``2026-10`` → "okt" over "26" / "Oct" over "26": on two lines, twelve of them fit side
    by side under a chart on a phone."""
    from django.utils import dateformat

    month = figures.parse_month(code)
    return f"{dateformat.format(month, 'M')}\n{dateformat.format(month, 'y')}"
