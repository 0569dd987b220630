from django.core.management.base import BaseCommand

from logistics.statistics import tally


class Command(BaseCommand):
    help = ("Count the statistics afresh from every referral and its history. The counts are "
            "kept up to date as referrals change; run this after changing referrals or their "
            "history in the database by hand. Safe to run at any time.")

    def handle(self, *args, **options):
        counted = tally.rebuild()
        if options["verbosity"]:
            self.stdout.write(f"Referrals counted: {counted}")
