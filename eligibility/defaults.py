"""This app's part of ``manage.py install_defaults`` (registered by ``EligibilityConfig.ready``):
the shipped norm tables and the default policy, each only where missing, so that a
coordinator's corrections survive an upgrade."""

from django.conf import settings
from django.core.management import call_command

from eligibility.imports import import_shipped_norms
from eligibility.models import Policy

SHIPPED_NORMS = settings.BASE_DIR / "fixtures" / "bijstandsnormen.csv"


def install_defaults(*, verbosity: int, stdout) -> None:
    dates = import_shipped_norms(SHIPPED_NORMS)
    if verbosity:
        stdout.write(f"Norm tables added: {', '.join(dates) or 'none (all present)'}")
    if not Policy.objects.exists():
        call_command("loaddata", "policy", verbosity=verbosity)
