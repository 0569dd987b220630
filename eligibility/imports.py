"""Importing a norm table file: every row checked, and nothing written unless all rows are good."""

from dataclasses import dataclass, field
from pathlib import Path

import tablib
from django.db import transaction
from django.utils.translation import gettext as _

from eligibility.models import NormTable
from eligibility.resources import NormRowResource


@dataclass(frozen=True)
class RowProblem:
    line: int  # the line in the file as a spreadsheet shows it: the header is line 1
    messages: tuple[str, ...]

    def __str__(self):
        return _("line %(line)s: %(messages)s") % {
            "line": self.line, "messages": "; ".join(self.messages)}


@dataclass
class ImportReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)


class NormImportRefused(Exception):
    def __init__(self, problems: list[RowProblem]):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


def load_dataset(content: bytes, file_format: str) -> tablib.Dataset:
    if file_format == "xlsx":
        return tablib.Dataset().load(content, format="xlsx")
    return tablib.Dataset().load(content.decode("utf-8-sig"), format="csv")


def import_norms(dataset: tablib.Dataset, *, dry_run: bool = False) -> ImportReport:
    """Import all rows or none. Raises ``NormImportRefused`` listing every bad row."""
    resource = NormRowResource()
    with transaction.atomic():
        result = resource.import_data(
            dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
        )
    problems = [
        RowProblem(line=invalid.number + 1, messages=tuple(
            f"{column}: {message}" if column != "__all__" else message
            for column, messages in invalid.error_dict.items() for message in messages
        ))
        for invalid in result.invalid_rows
    ]
    problems += [
        RowProblem(line=number + 1, messages=tuple(str(error.error) for error in errors))
        for number, errors in result.row_errors()
    ]
    problems += [RowProblem(line=1, messages=(str(error.error),)) for error in result.base_errors]
    if problems:
        raise NormImportRefused(sorted(problems, key=lambda problem: problem.line))
    totals = result.totals
    return ImportReport(new=totals["new"], updated=totals["update"], unchanged=totals["skip"])


def import_shipped_norms(path: Path) -> list[str]:
    """Import the shipped tables whose date is not in the database yet; never touch existing ones,
    so a coordinator's corrections survive an upgrade. Returns the dates imported."""
    dataset = load_dataset(path.read_bytes(), "csv")
    existing = {d.isoformat() for d in NormTable.objects.values_list("valid_from", flat=True)}
    new_dates = sorted({row["valid_from"] for row in dataset.dict} - existing)
    if not new_dates:
        return []
    subset = tablib.Dataset(headers=dataset.headers)
    for row in dataset.dict:
        if row["valid_from"] in new_dates:
            subset.append([row[header] for header in dataset.headers])
    import_norms(subset)
    return new_dates
