"""The statistics as files (DESIGN §6): a table of ``figures.distribution`` as CSV, XLSX or JSON,
always with its small counts hidden (``suppression.suppress``); and the pseudonymised row-level
export for research, one row per referral, streamed as CSV.

Tables go through tablib with django-import-export's formats from ``startpakket.spreadsheets``:
every text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets an
apostrophe in front in CSV and XLSX (plain numbers stay numbers). Columns are the stable keys of
the API's JSON (``month``, ``organisation``, ``organisation_name``, …, ``referred``, …); the
last line holds the totals, with ``total`` in the first column.

The pseudonymised export has no name, address, phone number, e-mail or exact date: the four
digits of the postcode, months instead of dates, the check's percentage of the norm as a band
of ten points (as ``retention.percent_band`` keeps it). tablib builds a whole file in memory,
so this export writes its rows with ``csv.writer`` as they come from the database
(``.iterator()``), through the same formula escaping.
"""

import csv
import datetime
import itertools
import json
from collections.abc import Iterator
from decimal import Decimal

import tablib
from django.db.models import Q
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.utils import timezone
from django.utils.translation import gettext as _

from logistics.models import Referral, ReferralStatus, ReferralStatusChange
from logistics.referrals.retention import PERCENT_BAND, percent_band
from logistics.statistics import figures, suppression
from logistics.statistics.figures import Table
from startpakket.spreadsheets import CSV, XLSX, escape_formula

FORMATS = ("json", "csv", "xlsx")
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TOTAL = "total"


def as_json(table: Table) -> dict:
    """``{from, to, group_by, rows: [{<group keys>, referred, …}], totals: {…}}`` (DESIGN §7.2),
    small counts as ``"<5"``."""
    table = suppression.suppress(table)
    return {
        "from": figures.month_code(table.period.first_month),
        "to": figures.month_code(table.period.last_month),
        "group_by": list(table.group_by),
        "rows": table.records(),
        "totals": dict(table.totals),
    }


def dataset(table: Table) -> tablib.Dataset:
    """The suppressed table with a totals line, as a tablib ``Dataset``."""
    table = suppression.suppress(table)
    columns = table.columns()
    data = tablib.Dataset(headers=columns, title=_("Statistics")[:31])
    for record in table.records():
        data.append([record[column] for column in columns])
    keys = len(columns) - len(table.measures)
    totals_line = ([TOTAL] + [""] * (keys - 1)) if keys else []
    data.append(totals_line + [table.totals[measure] for measure in table.measures])
    return data


def export(table: Table, file_format: str) -> bytes:
    """The table as ``json``, ``csv`` or ``xlsx`` bytes."""
    if file_format == "json":
        return json.dumps(as_json(table), ensure_ascii=False).encode()
    data = dataset(table)
    if file_format == "csv":
        return CSV().export_data(data).encode()
    if file_format == "xlsx":
        return XLSX().export_data(data)
    raise ValueError(file_format)


def filename(table: Table, file_format: str) -> str:
    groups = "-".join(table.group_by) or "totals"
    return f"statistics-{table.period.code}-{groups}.{file_format}"


# The pseudonymised row-level export.

RESEARCH_COLUMNS = [
    "postcode_area", "municipality", "organisation", "kit_type", "babies", "status", "outcome",
    "income_band", "due_month", "referred_month", "approved_month", "delivered_month",
    "days_to_delivery", "delivered_in_time",
]


def _month(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return figures.month_code(value)


def _first_times(referral_ids: list[int]) -> dict[tuple[int, str], datetime.datetime]:
    """When each of these referrals was first approved and first delivered, and a follow-up
    kit opened (``"referred"``): one query for a chunk of referrals, where a subquery per row
    would make the export several times slower."""
    first = {}
    for referral_id, source, status, at in (
            ReferralStatusChange.objects
            .filter(Q(to_status__in=(ReferralStatus.APPROVED, ReferralStatus.DELIVERED))
                    | figures.OPENED, referral_id__in=referral_ids)
            .order_by("at", "pk").values_list("referral_id", "from_status", "to_status", "at")):
        if source == ReferralStatus.PLANNED:
            first.setdefault((referral_id, "referred"), at)
        first.setdefault((referral_id, status), at)
    return first


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def research_rows(*, period: figures.Period | None = None, municipality=None,
                  chunk_size: int = 2000) -> Iterator[list]:
    """One list of ``RESEARCH_COLUMNS`` values per referral (referred in ``period`` if given),
    in the order they were made, read in chunks: memory stays flat however many there are."""
    referrals = Referral.objects.filter(figures.municipality_filter(municipality),
                                        figures.referred_in(period))
    # Two keys of the stored decision, read by the database: decoding all of it per referral
    # would be most of the export's time.
    values = (referrals.order_by("created_at", "pk")
              .annotate(check_outcome=KeyTextTransform("outcome", "eligibility"),
                        percent=KeyTextTransform(
                            "$decimal", KeyTransform("percent_of_norm", "eligibility")))
              .values_list("pk", "postcode", "municipality__code", "organisation__code",
                           "kit_type__code", "babies", "status", "eligibility_override",
                           "check_outcome", "percent", "due_date", "deliver_by", "created_at",
                           "delivered_on", "delivered_in_time", "anonymised_at"))
    for chunk in _chunks(values.iterator(chunk_size=chunk_size), chunk_size):
        first = _first_times([row[0] for row in chunk])
        for (pk, postcode, municipality_code, organisation, kit_type, babies, status, override,
             check_outcome, percent, due_date, deliver_by, created_at, delivered_on, in_time,
             anonymised_at) in chunk:
            referred_at = first.get((pk, "referred"), created_at)
            approved_at = first.get((pk, ReferralStatus.APPROVED))
            delivered_at = first.get((pk, ReferralStatus.DELIVERED))
            band = percent_band(Decimal(percent) if percent else None)
            if delivered_on is not None and in_time is None and anonymised_at is None:
                in_time = delivered_on <= deliver_by
            yield [
                (postcode or "")[:4],
                municipality_code or "",
                organisation,
                kit_type,
                babies,
                status,
                override or check_outcome or "",
                "" if band is None else f"{band:.0f}-{band + PERCENT_BAND:.0f}",
                _month(due_date),
                _month(referred_at),
                _month(approved_at),
                _month(delivered_on),
                "" if delivered_at is None else (timezone.localdate(delivered_at)
                                                 - timezone.localdate(referred_at)).days,
                "" if in_time is None else ("yes" if in_time else "no"),
            ]


class _Echo:
    """A file whose ``write`` hands back what it was given: ``csv.writer`` then formats one
    line at a time for a streaming response."""

    def write(self, value):
        return value


def research_csv(rows: Iterator[list]) -> Iterator[str]:
    """The header and the ``rows`` as CSV lines, formulas escaped, one at a time."""
    writer = csv.writer(_Echo())
    yield writer.writerow(RESEARCH_COLUMNS)
    for row in rows:
        yield writer.writerow([escape_formula(value) for value in row])


def research_filename(period: figures.Period | None) -> str:
    return f"referrals-pseudonymised-{period.code if period else 'all'}.csv"
