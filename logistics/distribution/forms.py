"""The forms of the warehouse's work: making a pick list, packing, recording how a kit was
handed over (delivered, collected at a pick-up point or not, shipped by post)."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from logistics.distribution.services import DEFAULT_PACKAGES, MAX_PACKAGES
from logistics.models import Warehouse
from logistics.referrals.codes import parse_code
from logistics.referrals.forms import ActionForm, ReasonForm
from logistics.referrals.workflow import Action, available_actions


class PickListForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none(), label=_("Warehouse"),
                                       empty_label=None)
    max_packages = forms.IntegerField(
        label=_("At most this many kits"), min_value=1, max_value=MAX_PACKAGES,
        initial=DEFAULT_PACKAGES,
        help_text=_("The most urgent kits first: those whose day to deliver by comes soonest. "
                    "A kit whose time window has not opened yet waits."),
    )

    def __init__(self, *args, warehouses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = warehouses
        self.fields["token"].initial = uuid.uuid4()
        if len(warehouses) == 1:
            # A volunteer has one warehouse: nothing to choose.
            self.fields["warehouse"].initial = warehouses[0].pk
            self.fields["warehouse"].widget = forms.HiddenInput()


class PackForm(forms.Form):
    """The packages packed (some ticked, or all still to pack), or taken off the list."""

    referrals = forms.MultipleChoiceField(label=_("Packed kits"), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    all = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, codes: list[str], nothing_ticked=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referrals"].choices = [(code, code) for code in codes]
        self.nothing_ticked = nothing_ticked or _("Tick the kits that are packed.")

    def clean(self):
        data = super().clean()
        if not data.get("all") and not data.get("referrals"):
            self.add_error("referrals", self.nothing_ticked)
        return data

    def chosen(self) -> list[str] | None:
        """The codes ticked, or None for all."""
        return None if self.cleaned_data.get("all") else self.cleaned_data["referrals"]


def _day_field(label) -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date such as 26-11-2026.")})


class HandedOverForm(ActionForm):
    """The day a kit was handed over, today by default and at the latest."""

    day_field = "delivered_on"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.day_field].initial = timezone.localdate()
        self.fields[self.day_field].widget.attrs["max"] = timezone.localdate().isoformat()


class DeliverForm(HandedOverForm):
    delivered_on = _day_field(_("Delivered on"))


class CollectedForm(HandedOverForm):
    day_field = "collected_on"
    collected_on = _day_field(_("Collected on"))


class ShippedForm(HandedOverForm):
    day_field = "shipped_on"
    shipped_on = _day_field(_("Handed to the parcel service on"))
    tracking_number = forms.CharField(
        label=_("Tracking number (optional)"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("From the parcel service's receipt; the nurse sees it."))


def not_collected_form(data=None) -> ReasonForm:
    """Why a kit was not collected: optional, the nurse is told either way."""
    form = ReasonForm(data, auto_id="id_not_collected_%s",
                      label=_("What happened? (optional)"), multiline=True)
    form.fields["reason"].required = False
    return form


class FindCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code on the delivery slip"), max_length=100,
        help_text=_("Type it, such as BSP-2026-00042, or scan the QR code with your phone."),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off",
                                      "autocapitalize": "characters", "spellcheck": "false",
                                      "placeholder": "BSP-2026-00042"}),
    )

    def clean_code(self):
        code = parse_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(_("This is not a referral code. It looks like "
                                          "BSP-2026-00042."))
        return code


def failed_form(data=None) -> ReasonForm:
    """Why a kit could not be delivered."""
    return ReasonForm(data, auto_id="id_failed_%s", label=_("What went wrong?"), multiline=True)


# Per action of handing a kit over: the key pages know its form by, and the form: blank, or
# with the posted data.
HANDING_OVER_FORMS = {
    Action.DELIVER: ("deliver", lambda data=None: DeliverForm(data, auto_id="id_deliver_%s")),
    Action.DELIVERY_FAILED: ("failed", failed_form),
    Action.COLLECTED: ("collected",
                       lambda data=None: CollectedForm(data, auto_id="id_collected_%s")),
    Action.NOT_COLLECTED: ("not_collected", not_collected_form),
    Action.SHIPPED: ("shipped", lambda data=None: ShippedForm(data, auto_id="id_shipped_%s")),
}


def handing_over_forms(user, referral) -> dict:
    """The blank forms of the hand-over actions the user may take on the kit now
    (``available_actions``: its status and its delivery method decide)."""
    may = available_actions(user, referral)
    return {key: make() for action, (key, make) in HANDING_OVER_FORMS.items() if action in may}


def register_referral_page_forms() -> None:
    """Put the hand-over forms on a packed kit's referral page (``referrals.views``), for
    whoever may record how it was handed over."""
    from logistics.referrals import views

    views.add_action_forms(HANDING_OVER_FORMS)
