"""This app's part of ``manage.py install_defaults`` (registered by ``LogisticsConfig.ready``):
two example kit types with their items, only while there are no kit types, so that a
coordinator's own kits stay as they are."""

from django.core.management import call_command

from logistics.models import KitType


def install_defaults(*, verbosity: int, stdout) -> None:
    if not KitType.objects.exists():
        call_command("loaddata", "kit_types", verbosity=verbosity)
