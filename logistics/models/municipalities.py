"""Municipalities (DESIGN §6): the areas that pay for kits and ask for figures. A referral's
municipality follows from the four digits of its postcode; a postcode no range covers counts as
"unknown", never as an error."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

cbs_code_validator = RegexValidator(
    r"^GM[0-9]{4}$", _("A CBS municipality code: GM and four digits, such as GM0344."))

FIRST_POSTCODE, LAST_POSTCODE = 1000, 9999


class Municipality(models.Model):
    code = models.CharField(
        _("CBS code"), max_length=6, unique=True, validators=[cbs_code_validator],
        help_text=_("The municipality's code at Statistics Netherlands (CBS), e.g. GM0344."))
    name = models.CharField(_("name"), max_length=100)
    price_per_kit = models.DecimalField(
        _("price per kit"), max_digits=8, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("What the municipality pays per kit delivered, for the monthly statement. "
                    "Empty if it pays otherwise."))

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class PostcodeRange(models.Model):
    """Four-digit postcodes ``first`` to ``last`` (inclusive) lie in the municipality. Ranges do
    not overlap (``logistics.statistics.municipalities`` refuses an overlap)."""

    municipality = models.ForeignKey(Municipality, verbose_name=_("municipality"),
                                     on_delete=models.CASCADE, related_name="postcode_ranges")
    first = models.PositiveSmallIntegerField(
        _("from postcode"),
        validators=[MinValueValidator(FIRST_POSTCODE), MaxValueValidator(LAST_POSTCODE)])
    last = models.PositiveSmallIntegerField(
        _("up to and including postcode"),
        validators=[MinValueValidator(FIRST_POSTCODE), MaxValueValidator(LAST_POSTCODE)])

    class Meta:
        verbose_name = _("postcode range")
        verbose_name_plural = _("postcode ranges")
        ordering = ["first"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first__gte=FIRST_POSTCODE, last__lte=LAST_POSTCODE,
                                   first__lte=models.F("last")),
                name="postcode_range_valid"),
        ]
        indexes = [models.Index(fields=["first", "last"], name="postcode_range_idx")]

    def __str__(self):
        return f"{self.first}–{self.last}"
