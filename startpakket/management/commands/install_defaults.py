from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from eligibility.imports import import_shipped_norms
from eligibility.models import Policy
from logistics.models import KitType

SHIPPED_NORMS = settings.BASE_DIR / "fixtures" / "bijstandsnormen.csv"


class Command(BaseCommand):
    help = (
        "Load the shipped data every installation needs: the role groups and their permissions, "
        "the norm tables, the default policy and two example kit types with their items. Safe "
        "to run again after an upgrade: groups are brought up to date, while norm tables, the "
        "policy and the example kits are only added where missing, so a coordinator's own "
        "changes stay."
    )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        call_command("loaddata", "groups", verbosity=verbosity)
        dates = import_shipped_norms(SHIPPED_NORMS)
        if verbosity:
            self.stdout.write(f"Norm tables added: {', '.join(dates) or 'none (all present)'}")
        if not Policy.objects.exists():
            call_command("loaddata", "policy", verbosity=verbosity)
        if not KitType.objects.exists():
            call_command("loaddata", "kit_types", verbosity=verbosity)
