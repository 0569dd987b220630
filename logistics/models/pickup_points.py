"""How a kit reaches the family (DESIGN §4): a volunteer at the door, a pick-up point, or a
plain box by post; and the pick-up points themselves, each belonging to the warehouse that
brings its kits there."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from logistics.models.stock import Warehouse
from startpakket.roles import OrganisationKind

point_code_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Use lowercase letters, digits and single hyphens, e.g. bibliotheek-oost."),
)


class DeliveryMethod(models.TextChoices):
    DELIVERY = "delivery", _("delivery at the door")
    PICKUP = "pickup", _("pick-up point")
    POST = "post", _("by post")


class PickupPointQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class PickupPoint(models.Model):
    """A library, a community centre, a food bank where families collect their kit. Kept by
    coordinators in the admin; the nurse chooses one of the active ones on the referral form."""

    code = models.SlugField(
        _("code"), max_length=50, unique=True, validators=[point_code_validator],
        help_text=_("Short and stable, e.g. bibliotheek-oost; used in the API."))
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT,
        related_name="pickup_points", limit_choices_to={"kind": OrganisationKind.WAREHOUSE},
        help_text=_("The warehouse that packs this point's kits and brings them there."))
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=7)
    city = models.CharField(_("city"), max_length=100)
    opening_hours = models.TextField(
        _("opening hours"), max_length=500,
        help_text=_("As the family should read them, e.g. “Mon–Fri 10:00–17:00, Sat "
                    "10:00–13:00”."))
    is_active = models.BooleanField(
        _("active"), default=True,
        help_text=_("Only active points can be chosen for new referrals."))

    objects = PickupPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("pick-up point")
        verbose_name_plural = _("pick-up points")
        ordering = ["name", "code"]

    def __str__(self):
        return self.name

    @property
    def address_lines(self) -> tuple[str, str]:
        return self.address, f"{self.postcode}  {self.city}"
