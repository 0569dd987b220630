import getpass
import sys

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from startpakket import enrolment
from startpakket.models import Organisation
from startpakket.roles import Role
from startpakket.services import create_user


def hand_out_link(stdout, user) -> None:
    """Make the user's enrolment link (startpakket.enrolment): mail it, or print it for whoever
    runs the command to hand over."""
    url = enrolment.issue_link(user)
    if enrolment.mail_link(user, url):
        stdout.write(f"The enrolment link for linking an authenticator app was e-mailed to "
                     f"{user.email}.")
    else:
        stdout.write(f"Enrolment link for linking an authenticator app (valid "
                     f"{settings.ENROLMENT_LINK_HOURS} hours, once), hand it to "
                     f"{user.username}:\n{url}")


class Command(BaseCommand):
    help = (
        "Add a user with a role and an organisation. The password is read from standard input "
        "when it is not a terminal (one line), otherwise it is asked for twice; it is never an "
        "argument, so it does not end up in shell history or the process list. Prints (or, "
        "with EMAIL_HOST set, mails) the user's one-time link for linking an authenticator app."
    )

    # Tests and scripts may hand in a stream of their own.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--organisation", required=True, help="The organisation's code.")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, **options):
        try:
            organisation = Organisation.objects.get(code=options["organisation"])
        except Organisation.DoesNotExist:
            raise CommandError(f"No organisation with code {options['organisation']!r}.") from None

        password = self.read_password(options.get("stdin") or sys.stdin)
        try:
            user = create_user(
                username=options["username"],
                password=password,
                role=options["role"],
                organisation=organisation,
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
            )
        except ValidationError as exc:
            lines = [f"{field}: {message}" for field, messages in exc.message_dict.items()
                     for message in messages]
            raise CommandError("The user was not added:\n  " + "\n  ".join(lines)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {user.username} as {options['role']} of {organisation.code}."
            )
        )
        hand_out_link(self.stdout, user)

    def read_password(self, stdin) -> str:
        if not stdin.isatty():
            password = stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("No password on standard input.")
            return password
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return password
