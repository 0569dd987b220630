from django.core.management.base import BaseCommand
from django.utils import timezone

from startpakket.api.idempotency import LIFETIME
from startpakket.models import IdempotencyKey


class Command(BaseCommand):
    help = (
        "Delete stored Idempotency-Key answers older than 24 hours. They hold the personal data "
        "of the referral they created, so run this daily (e.g. from cron); a keyed request "
        "only forgets an old use of its own key."
    )

    def handle(self, *args, **options):
        deleted, _ = IdempotencyKey.objects.filter(
            created_at__lt=timezone.now() - LIFETIME).delete()
        self.stdout.write(f"Forgot {deleted} idempotency key(s).")
