from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from startpakket import tokens
from startpakket.models import User


class Command(BaseCommand):
    """Replaces DRF's command of the same name (DESIGN §7.1: ``manage.py drf_create_token
    USERNAME``), which stored the key in plain text; DRF's token app is no longer installed."""

    help = (
        "Make an API token for a user and print its key. The key is shown only now: the "
        "database keeps a digest of it. The token expires after --days days (at most "
        "API_TOKEN_DAYS, the default)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="manage.py drf_create_token",
                            help="What the token is for, e.g. the system that uses it.")
        parser.add_argument("--days", type=int, default=None,
                            help=f"Days the token lasts (default and at most API_TOKEN_DAYS, "
                                 f"now {settings.API_TOKEN_DAYS}).")
        parser.add_argument("-r", "--reset", action="store_true",
                            help="Revoke the user's other tokens first (as DRF's --reset).")

    def handle(self, *args, **options):
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"No user {options['username']!r}.") from None
        if options["reset"]:
            for token in tokens.tokens_of(user):
                tokens.revoke_token(token)
        try:
            token, key = tokens.create_token(user=user, name=options["name"],
                                             days=options["days"])
        except ValidationError as exc:
            lines = [f"{field}: {message}" for field, messages in exc.message_dict.items()
                     for message in messages]
            raise CommandError("No token was made:\n  " + "\n  ".join(lines)) from None
        expiry = timezone.localtime(token.expiry).strftime("%Y-%m-%d %H:%M")
        # DRF's line first, for scripts that read it; the key is printed whatever the verbosity:
        # it cannot be shown again.
        self.stdout.write(f"Generated token {key} for user {user.username}")
        self.stdout.write(f"Name: {token.name}; expires: {expiry}. Keep the key safe: it is "
                          f"shown only now.")
