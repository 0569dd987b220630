"""Forms of the stock pages: one number field per item, for volunteers on a tablet or phone."""

import datetime
import uuid

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from logistics.models import Item, MovementKind
from logistics.stock.services import MAX_QUANTITY, last_movement_id
from startpakket.dutch_texts import DutchOptions

# Dates a ledger can hold; anything else is a typo (and would overflow the conversion to UTC).
FIRST_DATE, LAST_DATE = datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)


def items_on_hand_or_active(warehouses):
    """Active items, and inactive ones still on a shelf of these warehouses: those can still be
    counted, adjusted or moved away."""
    return Item.objects.filter(
        Q(is_active=True) | Q(levels__warehouse__in=warehouses, levels__on_hand__gt=0)
    ).distinct().order_by("name")


class ItemChoiceField(forms.ModelChoiceField):
    """An item chosen by SKU; a value the database cannot even compare (a NUL character) is
    simply not a valid choice."""

    def to_python(self, value):
        if isinstance(value, str) and "\x00" in value:
            raise forms.ValidationError(self.error_messages["invalid_choice"],
                                        code="invalid_choice")
        return super().to_python(value)


# Browsers refill a form's fields when Back shows it again; a stock form then looks ready to
# book a second time. Its template sets the same on the <form> element.
NO_REFILL = {"autocomplete": "off"}


class BookingForm(forms.Form):
    """What every stock form carries besides its figures.

    The token is made when the form is shown and becomes the booking's batch: submitting the
    same form twice (a double tap, a resent POST) books it once. Back shows a new form with a
    new token; the same booking sent from it is caught by ``services.RepeatedBooking``, and the
    page books it only with ``book_again`` ticked.
    """

    token = forms.UUIDField(widget=forms.HiddenInput)
    book_again = forms.BooleanField(label=_("Yes, once more"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].initial = uuid.uuid4()


class ItemQuantitiesForm(BookingForm):
    """A warehouse, a note and a quantity per item."""

    warehouse = forms.ModelChoiceField(queryset=None, label=_("Warehouse"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    minimum = 1

    def items_for(self, warehouses):
        return Item.objects.active().order_by("name")

    def __init__(self, *args, warehouses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = warehouses
        options = list(warehouses)
        if len(options) == 1:
            self.fields["warehouse"].initial = options[0]
            self.fields["warehouse"].widget = forms.HiddenInput()
        self.items = list(self.items_for(warehouses))
        for item in self.items:
            self.fields[self.field_name(item)] = forms.IntegerField(
                label=item.name,
                help_text=item.get_unit_display(),
                required=False,
                validators=[MinValueValidator(self.minimum), MaxValueValidator(MAX_QUANTITY)],
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": self.minimum,
                                                "max": MAX_QUANTITY, **NO_REFILL}),
            )

    @staticmethod
    def field_name(item) -> str:
        return f"item-{item.sku}"

    def other_fields(self):
        """Fields shown after the warehouse, before the items."""
        return []

    def item_fields(self):
        return [self[self.field_name(item)] for item in self.items]

    def lines(self) -> dict[Item, int]:
        return {
            item: self.cleaned_data[self.field_name(item)]
            for item in self.items
            if self.cleaned_data.get(self.field_name(item)) is not None
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.lines():
            raise forms.ValidationError(self.nothing_entered)
        return cleaned


class ReceiveForm(ItemQuantitiesForm):
    nothing_entered = _("Enter the quantity received for at least one item.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].help_text = _("For example who donated the goods.")


class CountForm(ItemQuantitiesForm):
    """Blank means "not counted"; 0 means the shelf is empty."""

    minimum = 0
    ledger_seen = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def items_for(self, warehouses):
        return items_on_hand_or_active(warehouses)
    nothing_entered = _("Enter the counted quantity for at least one item.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].help_text = _("For example which shelf or room you counted.")
        self.fields["ledger_seen"].initial = last_movement_id()


class TransferForm(ItemQuantitiesForm):
    nothing_entered = _("Enter the quantity to move for at least one item.")

    destination = forms.ModelChoiceField(queryset=None, label=_("To warehouse"))

    def items_for(self, warehouses):
        return items_on_hand_or_active(warehouses)

    def __init__(self, *args, warehouses, **kwargs):
        super().__init__(*args, warehouses=warehouses, **kwargs)
        self.fields["warehouse"].label = _("From warehouse")
        self.fields["destination"].queryset = warehouses

    def other_fields(self):
        return [self["destination"]]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("warehouse") and cleaned.get("warehouse") == cleaned.get("destination"):
            self.add_error("destination", _("Choose another warehouse than the one it comes from."))
        return cleaned


class AdjustForm(BookingForm):
    """One item at one warehouse, up or down, always with a reason."""

    warehouse = forms.ModelChoiceField(queryset=None, label=_("Warehouse"))
    item = ItemChoiceField(queryset=Item.objects.none(), label=_("Item"), to_field_name="sku",
                           widget=DutchOptions)
    quantity = forms.IntegerField(
        label=_("Change"), min_value=-MAX_QUANTITY, max_value=MAX_QUANTITY,
        help_text=_("Negative to take away (e.g. -3 for damaged goods), positive to add."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", **NO_REFILL}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, warehouses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = warehouses
        self.fields["item"].queryset = items_on_hand_or_active(warehouses)

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        if quantity == 0:
            raise forms.ValidationError(_("Enter a change other than zero."))
        return quantity

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason for the adjustment."))
        return reason


class LedgerFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False,
        validators=[MinValueValidator(FIRST_DATE), MaxValueValidator(LAST_DATE)],
        widget=forms.DateInput(format="%Y-%m-%d",
                               attrs={"type": "date", "min": FIRST_DATE, "max": LAST_DATE}),
    )
    date_to = forms.DateField(
        label=_("Up to and including"), required=False,
        validators=[MinValueValidator(FIRST_DATE), MaxValueValidator(LAST_DATE)],
        widget=forms.DateInput(format="%Y-%m-%d",
                               attrs={"type": "date", "min": FIRST_DATE, "max": LAST_DATE}),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds")), *MovementKind.choices])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("This date is before the start date."))
        return cleaned

    def apply(self, movements):
        if not self.is_valid():
            return movements
        # Local midnights as a range on created_at, so the ledger's index is used.
        if self.cleaned_data["date_from"]:
            movements = movements.filter(created_at__gte=_midnight(self.cleaned_data["date_from"]))
        if self.cleaned_data["date_to"]:
            next_day = self.cleaned_data["date_to"] + datetime.timedelta(days=1)
            movements = movements.filter(created_at__lt=_midnight(next_day))
        if self.cleaned_data["kind"]:
            movements = movements.filter(kind=self.cleaned_data["kind"])
        return movements


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
