from django.core.management.base import BaseCommand

from logistics.referrals.services import derive_municipalities


class Command(BaseCommand):
    help = ("Set every referral's municipality from its postcode again: run it after changing "
            "the municipalities' postcode ranges. Safe to run at any time.")

    def handle(self, *args, **options):
        changed = derive_municipalities()
        if options["verbosity"]:
            self.stdout.write(f"Referrals whose municipality changed: {changed}")
