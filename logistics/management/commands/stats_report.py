from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from logistics.statistics import figures, report
from logistics.statistics.forms import ReportForm


class Command(BaseCommand):
    help = ("Write the monthly (or quarterly) statistics report as PDF, for one municipality or "
            "all, in Dutch or English: the same report as the dashboard's download.")

    def add_arguments(self, parser):
        period = parser.add_mutually_exclusive_group()
        period.add_argument("--month", help="YYYY-MM, e.g. 2026-10 (default: last month)")
        period.add_argument("--quarter", help="YYYY-Qn, e.g. 2026-Q4")
        parser.add_argument("--municipality", default="",
                            help="CBS code such as GM0344, or 'unknown'; default: all")
        parser.add_argument("--language", default="nl", help="nl (default) or en")
        parser.add_argument("-o", "--output", required=True, help="the PDF file to write")

    def handle(self, *args, **options):
        form = ReportForm({"month": options["month"] or "", "quarter": options["quarter"] or "",
                           "municipality": options["municipality"],
                           "lang": options["language"]},
                          municipalities=figures.municipalities())
        if not form.is_valid():
            names = {"lang": "--language"}
            raise CommandError("; ".join(
                f"{names.get(field, '--' + field)}: {' '.join(errors)}"
                for field, errors in form.errors.items()))
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"-o: the folder {output.parent} does not exist.")
        period, municipality = form.cleaned_data["period"], form.cleaned_data["municipality"]
        pdf = report.render_report(period, municipality, form.cleaned_data["lang"])
        output.write_bytes(pdf)
        if options["verbosity"]:
            self.stdout.write(f"Wrote {output} ({period.code}, "
                              f"{getattr(municipality, 'code', municipality) or 'all'}).")
