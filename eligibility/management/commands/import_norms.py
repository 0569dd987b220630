from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from eligibility.imports import NormImportRefused, import_norms, load_dataset


class Command(BaseCommand):
    help = (
        "Import norm tables from a CSV or XLSX file with the columns valid_from, category, "
        "amount_incl_holiday_allowance, amount_excl_holiday_allowance, status, source. "
        "Rows are matched on (valid_from, category). A file with any bad row is refused whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        file_format = "xlsx" if file.suffix.lower() == ".xlsx" else "csv"
        try:
            dataset = load_dataset(file.read_bytes(), file_format)
            report = import_norms(dataset, dry_run=dry_run)
        except NormImportRefused as refused:
            lines = "\n  ".join(str(problem) for problem in refused.problems)
            raise CommandError(f"Nothing was imported. Bad rows:\n  {lines}") from None
        except (UnicodeDecodeError, ValueError) as exc:
            raise CommandError(f"Nothing was imported: cannot read {file}: {exc}") from None
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(
            f"{verb}: {report.new} new, {report.updated} changed, {report.unchanged} unchanged."
        ))
