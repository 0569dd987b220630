from django.core.management import call_command
from django.core.management.base import BaseCommand

from startpakket import registry


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
        # Then what each app ships (``startpakket.registry``), in the order of INSTALLED_APPS.
        for step in registry.install_steps():
            step(verbosity=verbosity, stdout=self.stdout)
