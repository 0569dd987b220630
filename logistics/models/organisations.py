"""What logistics keeps about an organisation (DESIGN §5): where a referring organisation's kits
are packed, and the foundation's contact line on the delivery slips. The organisation itself is
``startpakket``'s, which knows nothing of either."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from logistics.models.stock import Warehouse
from startpakket.models import Organisation
from startpakket.roles import OrganisationKind


class OrganisationSettings(models.Model):
    """At most one row per organisation, and none while nothing is set: read it with
    ``settings_of``. Edited by coordinators on the organisation's admin page (an inline)."""

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
        primary_key=True, related_name="logistics_settings",
    )
    default_warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("default warehouse"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        limit_choices_to={"kind": OrganisationKind.WAREHOUSE},
        help_text=_("Where this organisation's approved referrals are packed, when there is "
                    "more than one warehouse."),
    )
    contact_line = models.CharField(
        _("contact line"), max_length=200, blank=True,
        help_text=_("For the foundation: printed at the bottom of every delivery slip, e.g. "
                    "“Stichting Babystart · 020 123 4567 · info@babystart.nl”."),
    )
    return_address = models.TextField(
        _("return address"), max_length=300, blank=True,
        help_text=_("For the foundation: the sender on the address labels of kits sent by "
                    "post, on up to four lines. Families who choose post prefer that nobody "
                    "knows what is inside: a name that does not tell (or just a PO box) keeps "
                    "it so."),
    )

    class Meta:
        verbose_name = _("logistics settings")
        verbose_name_plural = _("logistics settings")

    def __str__(self):
        return str(self.organisation)


def settings_of(organisation: Organisation) -> OrganisationSettings:
    """The organisation's settings, or blank ones (not saved) if none were stored. No query
    when the organisation was fetched with ``select_related("logistics_settings")``."""
    try:
        return organisation.logistics_settings
    except OrganisationSettings.DoesNotExist:
        return OrganisationSettings(organisation_id=organisation.pk)
