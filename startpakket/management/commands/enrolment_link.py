from django.core.management.base import BaseCommand, CommandError

from startpakket.management.commands.add_user import hand_out_link
from startpakket.models import User


class Command(BaseCommand):
    help = (
        "Give a user a new one-time link for linking an authenticator app (e.g. the first "
        "superuser after createsuperuser, or someone who lost her phone): removes her current "
        "app and backup codes, voids older links, and prints the link (or, with EMAIL_HOST set, "
        "mails it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"No user {options['username']!r}.") from None
        hand_out_link(self.stdout, user)
