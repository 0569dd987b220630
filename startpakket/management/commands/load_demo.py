from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from logistics.demo import load_demo_referrals, load_demo_stock
from logistics.models import Warehouse
from startpakket.demo import DEMO_PASSWORD, DEMO_WAREHOUSE, load_demo_data
from startpakket.roles import Role


class Command(BaseCommand):
    help = "Load the demo organisations and users (demo mode only). Safe to run again."

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError(
                "Demo data only goes into a demo instance: run with DEMO=1 (make demo does)."
            )
        call_command("install_defaults", verbosity=0)
        users = load_demo_data()
        by_role = {user.role: user for user in users}
        warehouse = Warehouse.objects.get(code=DEMO_WAREHOUSE)
        load_demo_stock(warehouse, by_role[Role.WAREHOUSE])
        load_demo_referrals(by_role[Role.REFERRER], by_role[Role.COORDINATOR], warehouse)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo users (password: {DEMO_PASSWORD}):"))
        for user in users:
            self.stdout.write(
                f"  {user.username:<16} {user.role.label:<22} {user.organisation.name}"
            )
        self.stdout.write("")
