"""The three roles (DESIGN §1) and which kind of organisation each belongs to.

A role is a shipped auth ``Group`` of the same name (``fixtures/groups.json``): the group holds the
permissions, this module holds the names so that code never spells them as loose strings.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REFERRER = "referrer", _("Referrer")
    WAREHOUSE = "warehouse", _("Warehouse volunteer")
    COORDINATOR = "coordinator", _("Coordinator")


class OrganisationKind(models.TextChoices):
    REFERRER = "referrer", _("Referring organisation")
    WAREHOUSE = "warehouse", _("Warehouse")
    FOUNDATION = "foundation", _("Foundation")


# A nurse works for a referring organisation, a volunteer for a warehouse, a coordinator for the
# foundation; a user of any other pairing would see the wrong data, so it is refused.
ORGANISATION_KIND_FOR_ROLE = {
    Role.REFERRER: OrganisationKind.REFERRER,
    Role.WAREHOUSE: OrganisationKind.WAREHOUSE,
    Role.COORDINATOR: OrganisationKind.FOUNDATION,
}
