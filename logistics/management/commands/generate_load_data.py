"""``manage.py generate_load_data``: made-up data at national scale (``logistics.load_data``)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from logistics.load_data import AlreadyFilled, generate


class Command(BaseCommand):
    help = (
        "Fill the database with made-up data for load tests and benchmarks: referring "
        "organisations and their nurses, warehouses with pick-up points, municipalities, "
        "referrals over three years in every status and delivery method with their history, "
        "follow-up kits, pick lists and a stock ledger; the same for the same seed on the same "
        "day. It writes fake families' names, addresses and phone numbers, so it refuses a "
        "database that already holds referrals (a real one): --append adds to one on purpose, "
        "for a test database only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--referrals", type=int, default=100_000)
        parser.add_argument("--movements", type=int, default=1_000_000,
                            help="Stock movements in the ledger (besides the opening stock).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--append", action="store_true",
                            help="Add to a database that already holds referrals.")

    def handle(self, *args, referrals, movements, seed, append, **options):
        if referrals < 1 or movements < 0:
            raise CommandError("--referrals must be at least 1 and --movements at least 0.")
        # Kit types, norm tables and the policy the referrals refer to, where missing.
        call_command("install_defaults", verbosity=0)
        try:
            result = generate(referrals=referrals, movements=movements, seed=seed,
                              append=append, say=self.stdout.write)
        except AlreadyFilled:
            raise CommandError(
                "This database already holds referrals: made-up families do not belong among "
                "real ones. Use an empty database, or --append for a test database.") from None
        if result["drift"]:
            raise CommandError(f"The stock levels disagree with the ledger: {result['drift']}")
        # As the daily maintenance keeps a real database: measured as one that is looked after.
        call_command("analyze_database", verbosity=0, stdout=self.stdout)
