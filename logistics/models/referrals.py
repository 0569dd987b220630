"""Referrals and their history (DESIGN §4).

A referral is one family's request for one kit (twins: one kit for two babies). No BSN, no
medical details: only what the check, the packing and the delivery need. The current status is a
field; every change of it is also a ``ReferralStatusChange`` row, written in the same transaction
by ``logistics.referrals.services``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from eligibility import rules
from logistics.models.municipalities import Municipality
from logistics.models.pickup_points import DeliveryMethod, PickupPoint
from logistics.models.stock import KitType, Reservation, Warehouse
from startpakket.models import Organisation

MAX_BABIES = 3

postcode_validator = RegexValidator(
    r"^[1-9][0-9]{3} [A-Z]{2}$", _("Enter a Dutch postcode such as 1234 AB.")
)


class ReferralStatus(models.TextChoices):
    # A follow-up kit waiting for its time window to open (``referrals.follow_ups``).
    PLANNED = "planned", _("planned")
    SUBMITTED = "submitted", _("submitted")
    NEEDS_INFO = "needs_info", _("needs information")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    SCHEDULED = "scheduled", _("scheduled")
    PACKED = "packed", _("packed")
    DELIVERED = "delivered", _("delivered")
    DELIVERY_FAILED = "delivery_failed", _("delivery failed")
    COLLECTED = "collected", _("collected")
    NOT_COLLECTED = "not_collected", _("not collected")
    SHIPPED = "shipped", _("shipped")
    CANCELLED = "cancelled", _("cancelled")


class Language(models.TextChoices):
    """The languages families in the Netherlands most often prefer to be spoken to in."""

    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")
    ARABIC = "ar", _("Arabic")
    TURKISH = "tr", _("Turkish")
    POLISH = "pl", _("Polish")
    UKRAINIAN = "uk", _("Ukrainian")
    TIGRINYA = "ti", _("Tigrinya")
    PERSIAN = "fa", _("Persian (Farsi, Dari)")
    SOMALI = "so", _("Somali")
    ROMANIAN = "ro", _("Romanian")
    BULGARIAN = "bg", _("Bulgarian")
    SPANISH = "es", _("Spanish")
    FRENCH = "fr", _("French")
    OTHER = "other", _("Other language")


class EligibilityOverride(models.TextChoices):
    """The outcomes a coordinator can set: the check's own, less "to be assessed"."""

    ELIGIBLE = rules.Outcome.ELIGIBLE, _("qualifies")
    NOT_ELIGIBLE = rules.Outcome.NOT_ELIGIBLE, _("does not qualify")


class ReferralNumber(models.Model):
    """The last number handed out per year, for codes such as BSP-2026-00042."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class Referral(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices,
                              default=ReferralStatus.SUBMITTED)
    organisation = models.ForeignKey(Organisation, verbose_name=_("referring organisation"),
                                     on_delete=models.PROTECT, related_name="referrals")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("referred by"),
                                    on_delete=models.PROTECT, related_name="referrals")

    parent_first_name = models.CharField(_("parent's first name"), max_length=100)
    parent_last_name = models.CharField(_("parent's last name"), max_length=100)
    # Empty (null) only once anonymised (``logistics.referrals.retention``); the form and the API
    # still require a phone number.
    phone = PhoneNumberField(_("phone"), region="NL", null=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("preferred language"), max_length=10,
                                choices=Language.choices, default=Language.DUTCH)
    street = models.CharField(_("street"), max_length=200)
    house_number = models.PositiveIntegerField(
        _("house number"), null=True,  # null only once anonymised, as the phone
        validators=[MinValueValidator(1), MaxValueValidator(99999)])
    house_number_suffix = models.CharField(_("addition"), max_length=10, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, validators=[postcode_validator])
    city = models.CharField(_("city"), max_length=100)

    due_date = models.DateField(_("due date or birth date"))
    babies = models.PositiveSmallIntegerField(
        _("babies"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_BABIES)])
    kit_type = models.ForeignKey(KitType, verbose_name=_("kit type"), on_delete=models.PROTECT,
                                 related_name="referrals")
    # The kit type's time window for this due date (``rules.kit_window``), stored by the
    # services whenever the due date or the kit type is set, and again for open referrals when
    # a coordinator changes the kit type's window: queues, pick lists, the at-risk panel and
    # the statistics select and sort on it in SQL.
    window_opens = models.DateField(_("deliver from"))
    deliver_by = models.DateField(_("deliver by"))
    delivery_notes = models.TextField(_("delivery notes"), max_length=1000, blank=True)
    # How the kit reaches the family; a pick-up kit names its point (and only it: a check
    # constraint below). ``logistics.referrals.input`` holds the rules.
    delivery_method = models.CharField(_("delivery method"), max_length=10,
                                       choices=DeliveryMethod.choices,
                                       default=DeliveryMethod.DELIVERY)
    pickup_point = models.ForeignKey(PickupPoint, verbose_name=_("pick-up point"), null=True,
                                     blank=True, on_delete=models.PROTECT,
                                     related_name="referrals")
    # The parcel service's number of a kit sent by post, if the volunteer gave one.
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True,
                                       editable=False)
    consent = models.BooleanField(_("consent to share the data"))
    consent_date = models.DateField(_("consent given on"))

    # What the check was made with and what it decided; shown later as it was.
    household = models.JSONField(_("household"))
    incomes = models.JSONField(_("incomes"))
    eligibility = models.JSONField(_("eligibility decision"))
    eligibility_override = models.CharField(_("outcome set by a coordinator"), max_length=20,
                                            choices=EligibilityOverride.choices, blank=True)
    override_reason = models.CharField(_("reason for the override"), max_length=500,
                                       blank=True)

    # From the postcode's four digits when submitted or corrected (``derive_municipalities``
    # after the ranges change); empty: no range covers it, counted as "unknown".
    municipality = models.ForeignKey(Municipality, verbose_name=_("municipality"), null=True,
                                     blank=True, on_delete=models.SET_NULL,
                                     related_name="referrals")
    # Indexed by ``referral_warehouse_idx``, which leads with it.
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="assigned_referrals",
                                  db_index=False)
    reservation = models.OneToOneField(Reservation, null=True, blank=True, editable=False,
                                       on_delete=models.PROTECT, related_name="referral")
    # The referral form's one-time token: a form sent twice stores one referral.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # A follow-up kit names the referral whose kit it follows (``first.follow_up`` the other
    # way); one to one, so a first kit never gets two follow-ups, whatever runs twice.
    follows = models.OneToOneField("self", verbose_name=_("follow-up of"), null=True,
                                   blank=True, editable=False, on_delete=models.PROTECT,
                                   related_name="follow_up")
    created_at = models.DateTimeField(_("referred at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    # Set when the retention period ended and the family's details were removed
    # (``logistics.referrals.retention``); what is left serves the statistics.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True,
                                         editable=False)
    # The day the kit was handed over, as the volunteer recorded it (the history row says
    # when it was recorded, and by whom): delivered at the door, collected at the pick-up
    # point, or handed to the parcel service. The statistics count all three as delivered.
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True, editable=False)
    # Whether the kit arrived by its deliver-by day: recorded when the exact dates are reduced
    # to their month, so that statistic stays right. Empty before that: the exact dates tell.
    delivered_in_time = models.BooleanField(_("delivered in time"), null=True, blank=True,
                                            editable=False)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["deliver_by", "id"]
        permissions = [
            ("decide_referral", _("Can approve, reject and ask about referrals")),
            ("record_delivery", _("Can record deliveries")),
            ("view_statistics", _("Can see and export the statistics")),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ReferralStatus.values),
                                   name="referral_status_valid"),
            models.CheckConstraint(
                condition=models.Q(delivery_method__in=DeliveryMethod.values),
                name="referral_delivery_method_valid"),
            models.CheckConstraint(
                condition=(models.Q(delivery_method=DeliveryMethod.PICKUP,
                                    pickup_point__isnull=False)
                           | (~models.Q(delivery_method=DeliveryMethod.PICKUP)
                              & models.Q(pickup_point__isnull=True))),
                name="referral_pickup_point_iff_pickup"),
            models.CheckConstraint(condition=models.Q(babies__gte=1, babies__lte=MAX_BABIES),
                                   name="referral_babies_range"),
            models.CheckConstraint(condition=models.Q(consent=True),
                                   name="referral_consent_given"),
            # Only anonymising empties the phone and the house number.
            models.CheckConstraint(
                condition=(models.Q(anonymised_at__isnull=False)
                           | models.Q(phone__isnull=False, house_number__isnull=False)),
                name="referral_contact_until_anonymised"),
        ]
        indexes = [
            # The lists' order (``ordering``): a page of every status reads it in order
            # instead of sorting all referrals.
            models.Index(fields=["deliver_by", "id"], name="referral_list_idx"),
            models.Index(fields=["status", "deliver_by"], name="referral_queue_idx"),
            models.Index(fields=["organisation", "status", "deliver_by"],
                         name="referral_organisation_idx"),
            # A warehouse's kits under way are a few hundred of its ten thousands delivered;
            # by the warehouse alone SQLite read them all for its lists and counts (its
            # statistics know a status's average share, not that few are open at any time).
            models.Index(fields=["warehouse", "status", "deliver_by"],
                         name="referral_warehouse_idx"),
            models.Index(fields=["postcode", "house_number"], name="referral_address_idx"),
            # A search by name matches anywhere in either name, which no index orders; this
            # one is read whole instead of the table (the API's count of a coordinator's search
            # read every referral): 2 MiB against 199 at 100,000 referrals on SQLite.
            models.Index(fields=["parent_last_name", "parent_first_name"],
                         name="referral_name_idx"),
        ]

    def __str__(self):
        return self.code

    @property
    def anonymised(self) -> bool:
        return self.anonymised_at is not None

    @property
    def address_line(self) -> str:
        suffix = f" {self.house_number_suffix}" if self.house_number_suffix else ""
        return f"{self.street} {self.house_number}{suffix}"


class ReferralStatusChange(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(_("from"), max_length=20, choices=ReferralStatus.choices,
                                   blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ReferralStatus.choices)
    # Empty when the application itself made the change, from a daily command (a pick-up kit
    # not collected in time, a follow-up kit whose window opened).
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                           blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "id"]
        indexes = [
            # A referral's last change into a status (when it was last submitted, asked, …),
            # looked up for each of the 1,500 waiting referrals to order the coordinator's
            # home page (``selectors._last_change_into``): read off the index, not its
            # history sorted.
            models.Index(fields=["referral", "to_status", "-at", "-id"],
                         name="status_change_into"),
        ]

    def __str__(self):
        return f"{self.referral_id}: {self.from_status or '-'} → {self.to_status}"
