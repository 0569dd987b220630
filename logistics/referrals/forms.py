"""Forms of the referral pages: the nurse's referral form and the small forms of each decision.

The forms parse what was typed into types (a date, a number, a phone number, a kit type);
the rules a referral must meet are the service's (``logistics.referrals.input``), which refuses
with field errors that the page shows at their fields.
"""

import hashlib
import json
import uuid

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField
from phonenumber_field.widgets import RegionalPhoneNumberWidget

from eligibility import rules, snapshot
from eligibility.forms import AMOUNT_FIELD_PREFIX, HOUSEHOLD_FIELDS, HouseholdIncomeForm
from logistics.models import (
    DeliveryMethod,
    EligibilityOverride,
    KitType,
    Language,
    PickupPoint,
    Referral,
    Warehouse,
)
from logistics.models.notifications import ReferralMail
from logistics.models.referrals import MAX_BABIES
from logistics.referrals import notifications, selectors
from logistics.referrals.input import INVALID_PHONE, MAX_HOUSE_NUMBER, ReferralInput
from logistics.referrals.rules import due_date_window
from logistics.stock import selectors as stock_selectors
from logistics.stock.forms import ItemChoiceField
from startpakket.roles import Role
from startpakket.widgets import QuickTextarea, QuickTextInput

# The parent's details are typed in for someone else: the browser must not offer the nurse's own.
NOT_MINE = {"autocomplete": "off"}

BABIES_CHOICES = [
    (1, _("1 baby")),
    (2, _("2 babies (twins)")),
    (3, _("3 babies (triplets)")),
][:MAX_BABIES]


class KitTypeChoiceField(ItemChoiceField):
    """A kit type chosen by code, with the same guard against values the database cannot
    compare."""


class PickupPointChoiceField(ItemChoiceField):
    """A pick-up point chosen by code, guarded the same way."""


class ReferralForm(HouseholdIncomeForm):
    """One family's referral (DESIGN §4). The household and income fields are the eligibility
    check's own."""

    parent_first_name = forms.CharField(label=_("First name"), max_length=100,
                                        widget=forms.TextInput(attrs=NOT_MINE))
    parent_last_name = forms.CharField(label=_("Last name"), max_length=100,
                                       widget=forms.TextInput(attrs=NOT_MINE))
    phone = PhoneNumberField(
        label=_("Phone"), region="NL", max_length=30,
        # The library's own text gives a landline in another notation as its example.
        error_messages={"invalid": INVALID_PHONE},
        widget=RegionalPhoneNumberWidget(region="NL", attrs=NOT_MINE),
        help_text=_("Mobile or landline, e.g. 06 12345678 or 030 1234567."),
    )
    email = forms.EmailField(label=_("E-mail (optional)"), required=False,
                             max_length=Referral._meta.get_field("email").max_length,
                             widget=forms.EmailInput(attrs=NOT_MINE))
    language = forms.ChoiceField(label=_("Preferred language"), choices=Language.choices,
                                 initial=Language.DUTCH,
                                 help_text=_("The language to speak at the door."))
    street = forms.CharField(label=_("Street"), max_length=200,
                             widget=forms.TextInput(attrs=NOT_MINE))
    house_number = forms.IntegerField(
        label=_("House number"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1,
                                        "max": MAX_HOUSE_NUMBER, **NOT_MINE}),
    )
    house_number_suffix = forms.CharField(
        label=_("Addition"), max_length=10, required=False,
        widget=forms.TextInput(attrs=NOT_MINE),
    )
    postcode = forms.CharField(
        label=_("Postcode"), max_length=10,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "size": 8, **NOT_MINE}),
        help_text=_("For example 1234 AB."),
    )
    city = forms.CharField(label=_("City"), max_length=100,
                           widget=forms.TextInput(attrs=NOT_MINE))
    # A date input takes ISO dates only, whatever the language's date format.
    due_date = forms.DateField(label=_("Due date, or birth date if born"),
                               widget=forms.DateInput(attrs={"type": "date"},
                                                      format="%Y-%m-%d"))
    babies = forms.TypedChoiceField(
        label=_("Number of babies"), choices=BABIES_CHOICES, coerce=int, initial=1,
        help_text=_("Twins or triplets get one kit, with clothes, sleeping bag and diapers "
                    "for each baby."),
    )
    kit_type = KitTypeChoiceField(queryset=KitType.objects.none(), label=_("Kit type"),
                                  to_field_name="code", empty_label=_("Choose a kit type"))
    # Not sent at all (a form of before the methods, a client of its own): delivery at the
    # door, as the API's default.
    delivery_method = forms.ChoiceField(
        label=_("How does the kit reach the family?"), choices=DeliveryMethod.choices,
        initial=DeliveryMethod.DELIVERY, widget=forms.RadioSelect, required=False,
        help_text=_("A volunteer at the door; a pick-up point where the parent collects it; or "
                    "by post, in a plain box that does not say what is inside."))
    # Any point's code parses; the list offers the active ones, and the service refuses others.
    pickup_point = PickupPointChoiceField(
        queryset=PickupPoint.objects.none(), required=False, to_field_name="code",
        label=_("Pick-up point"), empty_label=_("Choose a pick-up point"),
        help_text=_("Only for a pick-up point. Tell the parent the address and opening hours "
                    "below; they are on the referral's page too."))
    delivery_notes = forms.CharField(
        label=_("Notes for the delivery (optional)"), max_length=1000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only what the volunteer at the door needs, e.g. “ring twice, 3rd floor”. "
                    "No medical information."),
    )
    # Made when the form is first shown and kept through "Check": sending it twice stores once.
    token = forms.UUIDField(widget=forms.HiddenInput)
    # Not required here: the service refuses a referral without consent, with its reason.
    consent = forms.BooleanField(
        label=_("The parent agrees that these details are shared with the foundation to "
                "deliver the start-kit."), required=False,
    )

    SECTIONS = {
        "parent": ("parent_first_name", "parent_last_name", "phone", "email", "language"),
        "address": ("street", "house_number", "house_number_suffix", "postcode", "city"),
        "baby": ("due_date", "babies", "kit_type"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].initial = uuid.uuid4()
        self.earliest, self.latest = due_date_window(timezone.localdate())
        self.fields["due_date"].widget.attrs.update(
            {"min": self.earliest.isoformat(), "max": self.latest.isoformat()})
        # Any kit type's code parses; the list offers those a family can be referred for, and
        # the service refuses the others.
        self.fields["kit_type"].queryset = KitType.objects.all()
        self.kit_types = list(stock_selectors.referable_kit_types())
        self.fields["kit_type"].choices = [
            ("", self.fields["kit_type"].empty_label),
            *((kit_type.code, kit_type.display_name) for kit_type in self.kit_types)]
        if len(self.kit_types) == 1:
            self.fields["kit_type"].initial = self.kit_types[0].code
            self.fields["kit_type"].choices = self.fields["kit_type"].choices[1:]
        self.fields["pickup_point"].queryset = PickupPoint.objects.all()
        self.pickup_points = list(selectors.pickup_points())
        self.fields["pickup_point"].choices = [
            ("", self.fields["pickup_point"].empty_label),
            *((point.code, f"{point.name} · {point.city}") for point in self.pickup_points)]

    def clean_delivery_method(self):
        return self.cleaned_data["delivery_method"] or DeliveryMethod.DELIVERY

    def clean(self):
        cleaned = super().clean()
        # The point's list stays on the page whatever method is ticked: a point chosen and then
        # left for another method is not sent (the API, where nothing is left over by
        # accident, refuses one).
        if cleaned.get("delivery_method") != DeliveryMethod.PICKUP:
            cleaned["pickup_point"] = None
        return cleaned

    def section(self, name: str):
        return [self[field] for field in self.SECTIONS[name]]

    def drop_errors_except_the_check(self) -> None:
        """For "Check": only the household and income need to be right yet; the nurse can
        fill in the rest afterwards without being told off."""
        keep = {*self.check_field_names(), NON_FIELD_ERRORS}
        for name in [name for name in self.errors if name not in keep]:
            del self.errors[name]

    def check_fields_valid(self) -> bool:
        return not any(name in self.errors for name in self.check_field_names())

    def check_digest(self) -> str:
        return check_digest(self.household(), self.incomes())

    def parsed_fields(self) -> dict:
        """The referral's fields that parsed, for the service's rules (``input.field_errors``)
        while others are still missing or unreadable."""
        names = set(ReferralInput.__dataclass_fields__) - {"household", "incomes"}
        return {name: value for name, value in self.cleaned_data.items() if name in names}

    def referral_input(self) -> ReferralInput:
        data = self.cleaned_data
        return ReferralInput(
            parent_first_name=data["parent_first_name"],
            parent_last_name=data["parent_last_name"],
            phone=data["phone"],
            email=data["email"],
            language=data["language"],
            street=data["street"],
            house_number=data["house_number"],
            house_number_suffix=data["house_number_suffix"],
            postcode=data["postcode"],
            city=data["city"],
            due_date=data["due_date"],
            babies=data["babies"],
            kit_type=data["kit_type"],
            delivery_notes=data["delivery_notes"],
            consent=data["consent"],
            household=self.household(),
            incomes=tuple(self.incomes()),
            delivery_method=data["delivery_method"],
            pickup_point=data["pickup_point"],
        )


def check_digest(household: rules.Household, incomes: list[rules.Income]) -> str:
    """A fingerprint of what was checked, on which day: "Refer" stores only an outcome the
    nurse has seen. Not a secret: the service checks again when it stores."""
    content = json.dumps({
        "on": timezone.localdate().isoformat(),
        "household": [household.applicant_age, household.has_partner,
                      household.partner_age, household.children],
        # Two decimals always: "1100" typed on the check and "1.100,00" on the form are one.
        "incomes": [[income.kind, f"{income.amount:.2f}"] for income in incomes],
    })
    return hashlib.sha256(content.encode()).hexdigest()[:32]


class ReferralEditForm(ReferralForm):
    """The referral form filled in with a referral waiting for the referrer's answer, and the
    answer itself. No one-time token: the status change stores it once."""

    answer = forms.CharField(
        label=_("Your answer"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        error_messages={"required": _("Answer the coordinator's question.")},
        help_text=_("What you corrected, or what the coordinator asked for."),
    )

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, initial=initial_from(referral), **kwargs)
        del self.fields["token"]


def initial_from(referral: Referral) -> dict:
    """The form's fields as the referral has them."""
    household = snapshot.household_from_json(referral.household)
    return {
        **{name: getattr(referral, name) for name in (
            "parent_first_name", "parent_last_name", "phone", "email", "language", "street",
            "house_number", "house_number_suffix", "postcode", "city", "due_date", "babies",
            "delivery_notes", "consent", "delivery_method")},
        "kit_type": referral.kit_type.code,
        "pickup_point": referral.pickup_point.code if referral.pickup_point else "",
        **{name: getattr(household, name) for name in HOUSEHOLD_FIELDS},
        **{AMOUNT_FIELD_PREFIX + income.kind: income.amount
           for income in snapshot.incomes_from_json(referral.incomes)},
    }


# Back to where the action was started; a name, never a URL, so it cannot send anyone away.
NEXT_CHOICES = [("detail", "detail"), ("queue", "queue"), ("deliveries", "deliveries")]


class ActionForm(forms.Form):
    next = forms.ChoiceField(choices=NEXT_CHOICES, required=False, widget=forms.HiddenInput)

    def back_to_queue(self) -> bool:
        return self.data.get("next") == "queue"


class ReasonForm(ActionForm):
    # Written in Python: the approval queue shows two of these for every referral.
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=QuickTextInput,
                             error_messages={"required": _("Give a reason.")})

    def __init__(self, *args, label=None, multiline=False, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label
        if multiline:
            self.fields["reason"].widget = QuickTextarea(
                attrs={"rows": 3, "maxlength": 1000})


class CancelForm(ReasonForm):
    """Cancelling; for a kit already packed, whether its goods go back on the shelf."""

    return_to_stock = forms.BooleanField(
        label=_("The box is unpacked: put its goods back in stock"), required=False)

    def __init__(self, *args, packed: bool = False, **kwargs):
        super().__init__(*args, label=_("Reason for cancelling"), multiline=True, **kwargs)
        if not packed:
            del self.fields["return_to_stock"]


class ApproveForm(ActionForm):
    """The warehouse that packs the kit; preset like ``services.choose_warehouse`` would."""

    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none(), required=False,
                                       label=_("Warehouse that packs the kit"),
                                       empty_label=_("Choose a warehouse"))

    def __init__(self, *args, warehouses, default=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = Warehouse.objects.active()
        self.fields["warehouse"].choices = [
            ("", self.fields["warehouse"].empty_label),
            *((warehouse.pk, warehouse.name) for warehouse in warehouses),
        ]
        if default is not None:
            self.fields["warehouse"].initial = default.pk


class OverrideForm(ActionForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=EligibilityOverride.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             error_messages={"required": _("Give a reason.")},
                             help_text=_("For example: debt restructuring (WSNP)."))


class ReferralMailForm(forms.Form):
    """A coordinator's choice, on her settings page, of how she hears of referrals that wait
    for her decision."""

    prefix = "referral_mail"
    choice = forms.ChoiceField(
        label=_("E-mail about new and corrected referrals"), choices=ReferralMail.choices,
        help_text=_("The daily e-mail lists the referrals that came in or were answered since "
                    "the one before. Every e-mail names referrals by their code, with a link."))

    def __init__(self, user, data=None):
        super().__init__(data, initial={"choice": notifications.mail_choice(user)})
        self.user = user

    def save(self):
        notifications.set_mail_choice(user=self.user, choice=self.cleaned_data["choice"])


def referral_mail_form(user, data=None) -> ReferralMailForm | None:
    """For the settings page (``startpakket.registry.add_settings_form``)."""
    return ReferralMailForm(user, data) if user.has_role(Role.COORDINATOR) else None
