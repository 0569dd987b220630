"""Items, kit types, warehouses and the stock ledger (DESIGN §5).

Stock is an append-only ledger of ``StockMovement`` rows. ``StockLevel`` stores the running result
per item × warehouse so pages need not sum a million rows; only ``logistics.stock.services``
changes it, in the same transaction as the movement, and ``verify_stock`` recomputes it from the
ledger.
A reservation is not a movement: goods stay on the shelf until packed. ``Reservation`` rows record
what was set aside for which kit, so that ``reserved`` can be recomputed too and packing consumes
exactly what approval reserved, even if the kit's contents change in between.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import npgettext

from startpakket.dutch_texts import page_is_dutch
from startpakket.models import Organisation, OrganisationQuerySet
from startpakket.roles import OrganisationKind

sku_validator = RegexValidator(
    r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$",
    _("Use capital letters, digits and single hyphens, e.g. ROMPER-50-56."),
)
# A kit's time window lies within this many weeks of the due (or birth) date.
WINDOW_WEEKS_LIMIT = 104
kit_code_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Use lowercase letters, digits and single hyphens, e.g. start-50-68."),
)


class Unit(models.TextChoices):
    PIECE = "piece", _("piece")
    PAIR = "pair", _("pair")
    PACK = "pack", _("pack")
    SET = "set", _("set")

    def counted(self, quantity: int) -> str:
        """The unit after a number, in the reader's language: "1 piece", "6 pieces"."""
        if self is Unit.PAIR:
            return npgettext("unit after a number", "pair", "pairs", quantity)
        if self is Unit.PACK:
            return npgettext("unit after a number", "pack", "packs", quantity)
        if self is Unit.SET:
            return npgettext("unit after a number", "set", "sets", quantity)
        return npgettext("unit after a number", "piece", "pieces", quantity)


class ItemQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def get_by_natural_key(self, sku):
        return self.get(sku=sku)


class Item(models.Model):
    """Something a warehouse keeps on the shelf and packs into kits."""

    sku = models.CharField(
        _("SKU"), max_length=40, unique=True, validators=[sku_validator],
        help_text=_("Short and stable article code; used in the API, imports and pick lists."),
    )
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.PIECE)
    low_stock_level = models.PositiveIntegerField(
        _("low-stock level"), default=0,
        help_text=_("Shown as low when fewer than this many are available in a warehouse."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.sku})"

    def natural_key(self):
        return (self.sku,)


def in_active_language(dutch: str, english: str) -> str:
    """A text the organisation keeps in Dutch with an optional English one: the English for a
    page, PDF or mail in English when it is filled in, the Dutch otherwise (which language:
    ``startpakket.dutch_texts.page_is_dutch``)."""
    if english and not page_is_dutch():
        return english
    return dutch


class KitTypeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def get_by_natural_key(self, code):
        return self.get(code=code)


class KitType(models.Model):
    """A kind of start-kit, e.g. the first kit for sizes 50/56 to 62/68."""

    code = models.CharField(
        _("code"), max_length=50, unique=True, validators=[kit_code_validator],
        help_text=_("Short and stable; used in the API and in exports."),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # What people who use the site in English read instead (``display_name``); the API keeps to
    # ``name``; the imports and exports of kit types have both.
    name_en = models.CharField(
        _("name in English"), max_length=200, blank=True,
        help_text=_("Shown to people who use the site in English. Empty: the Dutch name."))
    description_en = models.TextField(
        _("description in English"), blank=True,
        help_text=_("Shown to people who use the site in English. Empty: the Dutch "
                    "description."))
    is_active = models.BooleanField(_("active"), default=True)
    items = models.ManyToManyField(Item, through="KitComponent", related_name="kit_types")
    # When a kit of this type is delivered, a kit of the follow-up type is planned for the same
    # family (``logistics.referrals.follow_ups``).
    follow_up = models.ForeignKey(
        "self", verbose_name=_("follow-up kit type"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="follows",
        help_text=_("When a kit of this type is delivered, this kit is planned for the same "
                    "family, to be sent in its own time window. Empty: no follow-up kit."),
    )
    # When the kit should arrive, in weeks from the due (or birth) date, negative before it
    # (DESIGN §4). ``logistics.referrals.rules.kit_window`` turns them into dates; a referral
    # stores those dates, so lists sort and filter on them in SQL.
    window_opens_weeks = models.SmallIntegerField(
        _("deliver from (weeks)"), default=-16,
        validators=[MinValueValidator(-WINDOW_WEEKS_LIMIT), MaxValueValidator(WINDOW_WEEKS_LIMIT)],
        help_text=_("The first week the kit may be delivered, counted from the due date or "
                    "birth date: negative is before it, positive after the birth. First kit: "
                    "-16 (sixteen weeks before the due date); follow-up kit: 13 (three months "
                    "after the birth). Before then it goes on no pick list."),
    )
    deliver_by_weeks = models.SmallIntegerField(
        _("deliver by (weeks)"), default=-6,
        validators=[MinValueValidator(-WINDOW_WEEKS_LIMIT), MaxValueValidator(WINDOW_WEEKS_LIMIT)],
        help_text=_("The target: the kit should be with the family by this week, counted the "
                    "same way. First kit: -6 (six weeks before the due date); follow-up kit: 26 "
                    "(six months after the birth). Two weeks before it a kit is “at risk”, "
                    "after it “late”. Open referrals of this kit type get the new dates when you "
                    "save."),
    )

    objects = KitTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("kit type")
        verbose_name_plural = _("kit types")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_opens_weeks__lt=models.F("deliver_by_weeks")),
                name="kittype_window_opens_before_deliver_by"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (English if it has one, else the Dutch)."""
        return in_active_language(self.name, self.name_en)

    @property
    def display_description(self) -> str:
        return in_active_language(self.description, self.description_en)

    def clean(self):
        super().clean()
        # A chain of follow-ups that leads back to this kit type would plan kits for ever.
        seen, kit = {self.pk}, self.follow_up
        while kit is not None:
            if kit.pk in seen:
                raise ValidationError({"follow_up": _(
                    "This follow-up kit leads back to this kit type: choose another one.")})
            seen.add(kit.pk)
            kit = kit.follow_up
        # At the field, so the admin and an import say where; the constraint backs it up.
        if (self.window_opens_weeks is not None and self.deliver_by_weeks is not None
                and self.window_opens_weeks >= self.deliver_by_weeks):
            raise ValidationError({"deliver_by_weeks": _(
                "The week to deliver by must come after the week delivery may start (%(weeks)d)."
            ) % {"weeks": self.window_opens_weeks}})

    def natural_key(self):
        return (self.code,)


class KitComponentQuerySet(models.QuerySet):
    def get_by_natural_key(self, kit_type_code, sku):
        return self.get(kit_type__code=kit_type_code, item__sku=sku)


class KitComponent(models.Model):
    """One line of a kit's contents. ``per_baby`` lines are multiplied for twins."""

    kit_type = models.ForeignKey(
        KitType, verbose_name=_("kit type"), on_delete=models.CASCADE, related_name="components"
    )
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="kit_lines"
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    per_baby = models.BooleanField(
        _("per baby"), default=False,
        help_text=_("Clothing and diapers: twins get this line twice over."),
    )

    objects = KitComponentQuerySet.as_manager()

    class Meta:
        verbose_name = _("kit component")
        verbose_name_plural = _("kit components")
        ordering = ["kit_type", "item__name"]
        constraints = [
            models.UniqueConstraint(fields=["kit_type", "item"], name="kitcomponent_unique_item"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1),
                                   name="kitcomponent_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.item}"

    def natural_key(self):
        return (self.kit_type.code, self.item.sku)

    natural_key.dependencies = ["logistics.kittype", "logistics.item"]


class WarehouseManager(models.Manager.from_queryset(OrganisationQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(kind=OrganisationKind.WAREHOUSE)


class Warehouse(Organisation):
    """An organisation of kind warehouse; named by its organisation code in the API."""

    objects = WarehouseManager()

    class Meta:
        proxy = True
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")


class StockLevel(models.Model):
    """What a warehouse holds of an item: the sum of the ledger (``on_hand``) and of the active
    reservations (``reserved``). Changed only by ``logistics.stock.services``."""

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT,
                             related_name="levels")
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"),
                                  on_delete=models.PROTECT, related_name="levels")
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(fields=["item", "warehouse"], name="stocklevel_unique"),
            models.CheckConstraint(condition=models.Q(on_hand__gte=0),
                                   name="stocklevel_on_hand_not_negative"),
            models.CheckConstraint(condition=models.Q(reserved__gte=0),
                                   name="stocklevel_reserved_not_negative"),
            models.CheckConstraint(condition=models.Q(reserved__lte=models.F("on_hand")),
                                   name="stocklevel_reserved_within_on_hand"),
        ]

    def __str__(self):
        return f"{self.item} @ {self.warehouse}: {self.on_hand}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def is_low(self) -> bool:
        return self.available < self.item.low_stock_level


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("receipt")
    ADJUSTMENT = "adjustment", _("adjustment")
    COUNT_CORRECTION = "count_correction", _("count correction")
    TRANSFER_OUT = "transfer_out", _("transfer out")
    TRANSFER_IN = "transfer_in", _("transfer in")
    ISSUE = "issue", _("issue")
    RETURN = "return", _("return")


class AppendOnlyQuerySet(models.QuerySet):
    """The ledger is never rewritten: corrections are new rows."""

    def update(self, **kwargs):
        raise TypeError("stock movements are append-only")

    def delete(self):
        raise TypeError("stock movements are append-only")


class StockMovement(models.Model):
    """One line of the stock ledger: ``quantity`` is signed (+ in, − out). Never changed."""

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT,
                             related_name="movements")
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"),
                                  on_delete=models.PROTECT, related_name="movements")
    quantity = models.IntegerField(_("quantity"))
    kind = models.CharField(_("kind"), max_length=20, choices=MovementKind.choices)
    # The lines written by one action (a receipt, a count, both sides of a transfer) share a
    # batch. A form's one-time token becomes the batch, so a second submit of the same form
    # breaks the unique constraint below and books nothing.
    batch = models.UUIDField(_("batch"), default=uuid.uuid4, editable=False)
    reservation = models.ForeignKey(
        "Reservation", verbose_name=_("reservation"), on_delete=models.PROTECT,
        related_name="movements", null=True, blank=True,
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("receive_stock", _("Can receive stock")),
            ("count_stock", _("Can enter a stock count")),
            ("adjust_stock", _("Can adjust stock")),
            ("transfer_stock", _("Can transfer stock between warehouses")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["batch", "item", "warehouse", "kind"],
                                    name="stockmovement_once_per_batch"),
            models.CheckConstraint(condition=~models.Q(quantity=0),
                                   name="stockmovement_quantity_not_zero"),
            models.CheckConstraint(condition=models.Q(kind__in=MovementKind.values),
                                   name="stockmovement_kind_valid"),
        ]
        # An item's ledger, newest first: at one warehouse (a volunteer) or at all of them.
        indexes = [
            models.Index(fields=["item", "warehouse", "created_at"],
                         name="stockmovement_ledger_idx"),
            models.Index(fields=["item", "created_at"], name="stockmovement_item_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.quantity:+d} {self.item.sku}"

    def save(self, *args, **kwargs):
        # An integrity guard, not business logic: an edited ledger row would silently make
        # the stored levels disagree with history.
        if not self._state.adding:
            raise TypeError("stock movements are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("stock movements are append-only")


class BookingKind(models.TextChoices):
    RECEIPT = "receipt", _("receipt")
    COUNT = "count", _("count")
    ADJUSTMENT = "adjustment", _("adjustment")
    TRANSFER = "transfer", _("move")


class StockBooking(models.Model):
    """What someone booked on a stock form: one row per receipt, count, adjustment or move,
    with the same batch as the ledger rows it wrote.

    The ledger holds what changed; this holds what was entered. They differ for a count: a
    count that matches the books changes nothing, yet was made, and replaying it later would
    undo what was booked meanwhile. ``services.repeated_booking`` finds the same booking made
    a few minutes earlier (the browser's Back button) from these rows.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=BookingKind.choices)
    batch = models.UUIDField(_("batch"), unique=True, editable=False)
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"),
                                  on_delete=models.PROTECT, related_name="+")
    destination = models.ForeignKey(Warehouse, verbose_name=_("to warehouse"),
                                    on_delete=models.PROTECT, related_name="+", null=True,
                                    blank=True)
    # [[item id, quantity], …] in item order, as entered: received, counted, the signed
    # change of an adjustment, moved.
    lines = models.JSONField(_("lines"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock booking")
        verbose_name_plural = _("stock bookings")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=BookingKind.values),
                                   name="stockbooking_kind_valid"),
        ]
        indexes = [
            models.Index(fields=["created_by", "created_at"], name="stockbooking_by_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.batch}"


class ReservationState(models.TextChoices):
    ACTIVE = "active", _("active")
    RELEASED = "released", _("released")
    CONSUMED = "consumed", _("consumed")


class Reservation(models.Model):
    """Goods set aside at a warehouse for one or more kits of one kit type."""

    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"),
                                  on_delete=models.PROTECT, related_name="reservations")
    kit_type = models.ForeignKey(KitType, verbose_name=_("kit type"), on_delete=models.PROTECT,
                                 related_name="reservations")
    kits = models.PositiveIntegerField(_("kits"), default=1)
    babies = models.PositiveIntegerField(_("babies"), default=1)
    state = models.CharField(_("state"), max_length=10, choices=ReservationState.choices,
                             default=ReservationState.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        constraints = [
            models.CheckConstraint(condition=models.Q(state__in=ReservationState.values),
                                   name="reservation_state_valid"),
            models.CheckConstraint(condition=models.Q(kits__gte=1, babies__gte=1),
                                   name="reservation_counts_positive"),
        ]

    def __str__(self):
        return f"{self.kits} × {self.kit_type} @ {self.warehouse} ({self.get_state_display()})"


class ReservationLine(models.Model):
    reservation = models.ForeignKey(Reservation, verbose_name=_("reservation"),
                                    on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT,
                             related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("reserved item")
        verbose_name_plural = _("reserved items")
        constraints = [
            models.UniqueConstraint(fields=["reservation", "item"],
                                    name="reservationline_unique_item"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1),
                                   name="reservationline_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} × item {self.item_id}"
