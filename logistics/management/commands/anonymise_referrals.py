from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from logistics.referrals import retention


class Command(BaseCommand):
    help = (
        "Anonymise the referrals whose retention period has passed: "
        "RETENTION_AFTER_DELIVERY_DAYS (now %(delivered)d) days after delivery, "
        "RETENTION_AFTER_CLOSING_DAYS (now %(closed)d) days after rejection or cancellation. "
        "Names, address (but the postcode's 4 digits), phone, e-mail, notes, income and exact "
        "dates are removed, also from the history, the audit trail and stored API answers; what "
        "statistics need stays. Run it daily from cron, e.g. "
        "'30 3 * * * cd /srv/startpakket && .venv/bin/python manage.py anonymise_referrals'. "
        "With --dry-run it lists what it would anonymise (codes, never names) and changes nothing."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = self.help % {"delivered": settings.RETENTION_AFTER_DELIVERY_DAYS,
                                 "closed": settings.RETENTION_AFTER_CLOSING_DAYS}
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="List the referrals that are due; change nothing.")

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        today = timezone.localdate()
        if dry_run:
            due = list(retention.due_for_anonymising(today).only("code", "status"))
            for referral in due:
                self.stdout.write(self._line(referral))
            self.stdout.write(f"{len(due)} referral(s) would be anonymised.")
            return
        done = retention.anonymise_due(today=today)
        if verbosity > 1:
            for referral in done:
                self.stdout.write(self._line(referral))
        self.stdout.write(f"Anonymised {len(done)} referral(s).")

    @staticmethod
    def _line(referral) -> str:
        closed_on = timezone.localdate(referral.closed_at).isoformat()
        return f"{referral.code}  {referral.status}  closed on {closed_on}"
