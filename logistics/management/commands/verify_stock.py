import sys

from django.core.management.base import BaseCommand

from logistics.stock import ledger


class Command(BaseCommand):
    help = (
        "Recompute every stock level from the ledger (on hand) and the active reservations "
        "(reserved) and report where the stored levels differ. Exits with status 1 when any "
        "differ. With --fix, set the levels to the recomputed values; review the report first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true",
                            help="Repair the drifted levels after reporting them.")

    def handle(self, *args, fix=False, **options):
        drifts = ledger.find_drift()
        if not drifts:
            self.stdout.write(self.style.SUCCESS("Stock levels agree with the ledger."))
            return
        self.stdout.write(self.style.WARNING(f"{len(drifts)} level(s) drifted:"))
        for line in ledger.describe(drifts):
            self.stdout.write(f"  {line}")
        if not fix:
            self.stdout.write("Run again with --fix to repair them.")
            sys.exit(1)
        repaired = ledger.repair()
        self.stdout.write(self.style.SUCCESS(f"Repaired {len(repaired)} level(s)."))
        if ledger.find_drift():
            self.stderr.write("Some levels could not be repaired; see the report above.")
            sys.exit(1)
