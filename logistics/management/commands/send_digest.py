from django.core.management.base import BaseCommand

from logistics.referrals import notifications


class Command(BaseCommand):
    help = (
        "Send the daily e-mail to each coordinator who chose one a day: the codes of, and links "
        "to, the referrals that came in or were answered since her last one (none when nothing "
        "did). Each referral is in one digest only, however often this runs. Run it daily from "
        "cron, e.g. '0 7 * * * cd /srv/startpakket && .venv/bin/python manage.py send_digest'."
    )

    def handle(self, *args, verbosity=1, **options):
        sent = notifications.send_digests()
        if verbosity > 0:
            self.stdout.write(f"{sent} digest e-mail(s) sent.")
