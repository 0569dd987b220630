from django.core.management.base import BaseCommand

from logistics.referrals import follow_ups


class Command(BaseCommand):
    help = (
        "Open the planned follow-up kits whose time window has opened: each is approved at once "
        "on the first kit's decision, or its referrer is asked to check the household and "
        "income first, as the policy in force says; the referrer is told by e-mail. A second "
        "run the same day opens nothing twice. Run it daily from cron, e.g. "
        "'15 3 * * * cd /srv/startpakket && .venv/bin/python manage.py open_follow_ups'."
    )

    def handle(self, *args, verbosity=1, **options):
        opened = follow_ups.open_follow_ups()
        if verbosity > 0:
            self.stdout.write(f"{len(opened)} follow-up kit(s) opened.")
            for referral in opened:
                self.stdout.write(f"{referral.code}: {referral.status}")
