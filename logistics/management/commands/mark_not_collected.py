from django.conf import settings
from django.core.management.base import BaseCommand

from logistics.distribution import services


class Command(BaseCommand):
    help = (
        "Record the pick-up kits that nobody collected within PICKUP_COLLECT_WEEKS (now %(weeks)d) "
        "weeks of their packing as not collected, and tell each one's nurse by e-mail (the code "
        "and a link). The kit waits at its pick-up point; the family may still collect it. Run "
        "it daily from cron, e.g. "
        "'0 6 * * * cd /srv/startpakket && .venv/bin/python manage.py mark_not_collected'. "
        "With --dry-run it lists the codes it would mark and changes nothing."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = self.help % {"weeks": settings.PICKUP_COLLECT_WEEKS}
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="List the kits that are due; change nothing.")

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        if dry_run:
            due = list(services.not_collected_in_time().order_by("pk").only("code"))
            for referral in due:
                self.stdout.write(referral.code)
            self.stdout.write(f"{len(due)} kit(s) would be marked not collected.")
            return
        marked = services.mark_not_collected()
        if verbosity > 1:
            for referral in marked:
                self.stdout.write(referral.code)
        self.stdout.write(f"Marked {len(marked)} kit(s) not collected.")
