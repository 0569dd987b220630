from django.core.management import call_command
from django.core.management.base import BaseCommand

# Shipped data every installation needs, in load order. Loading is idempotent: rows are matched
# on natural keys, so running it again after an upgrade brings them up to date.
SHIPPED_FIXTURES = ["groups"]


class Command(BaseCommand):
    help = "Load the shipped data every installation needs (role groups and their permissions)."

    def handle(self, *args, **options):
        for fixture in SHIPPED_FIXTURES:
            call_command("loaddata", fixture, verbosity=options["verbosity"])
