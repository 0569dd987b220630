from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from startpakket import registry
from startpakket.demo import DEMO_PASSWORD, load_demo_data
from startpakket.models import Organisation, User

# The demo's people are made up, and the mails its data would trigger (decisions, deliveries,
# new referrals) would bury the summary in the console: loading it mails nobody. Once the demo
# runs, what people do there mails as usual (to the console).
NO_MAIL = "django.core.mail.backends.dummy.EmailBackend"


class Command(BaseCommand):
    help = "Load the demo organisations and users (demo mode only). Safe to run again."

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError(
                "Demo data only goes into a demo instance: run with DEMO=1 (make demo does)."
            )
        with override_settings(EMAIL_BACKEND=NO_MAIL):
            call_command("install_defaults", verbosity=0)
            users = load_demo_data()
            # Then each app's demo data for these users (``startpakket.registry``).
            for step in registry.demo_steps():
                step(users)
        self.stdout.write("")
        self.stdout.write("Demo data:")
        self.stdout.write(f"  organisations: {Organisation.objects.count()}, "
                          f"users: {User.objects.count()}")
        for line in registry.demo_summary():
            self.stdout.write(f"  {line}")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo users (password: {DEMO_PASSWORD}):"))
        for user in users:
            self.stdout.write(
                f"  {user.username:<16} {user.role.label:<22} {user.organisation.name}"
            )
        self.stdout.write("")
