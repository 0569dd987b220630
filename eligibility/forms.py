import datetime
import re
from decimal import Decimal

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from eligibility import rules
from eligibility.models import IncomeKind

AMOUNT_FIELD_PREFIX = "income_"
HOUSEHOLD_FIELDS = ("applicant_age", "has_partner", "partner_age", "children")
# Marks a POST that carries a check's household and incomes to another page (``carried``).
FROM_CHECK = "from_check"


_DUTCH_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+(,\d*)?$")
_ENGLISH_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$")


def normalise_amount(text: str) -> str:
    """An amount as people type it, in Dutch or English notation, as ``1234.56``:
    ``1.250,00``, ``1250,50``, ``€ 1.250``, ``1250.50``, ``1,250.50``. A lone group of three
    digits after a dot (``1.250``) is read as thousands, as a Dutch pay slip writes it."""
    text = text.strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
    if _DUTCH_THOUSANDS.match(text):
        return text.replace(".", "").replace(",", ".")
    if _ENGLISH_THOUSANDS.match(text):
        return text.replace(",", "")
    return text.replace(",", ".")


def format_amount(amount: Decimal) -> str:
    """An amount as a form shows it, in the page's language: ``1.100,00`` in Dutch,
    ``1,100.00`` in English. Always two decimals, so that ``normalise_amount`` reads it back as
    the same amount in either language."""
    return formats.number_format(amount, 2, use_l10n=True, force_grouping=True)


class AmountInput(forms.TextInput):
    """Shows a stored amount as people write it (``format_amount``); what was typed is shown
    as typed."""

    def format_value(self, value):
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return format_amount(Decimal(value))
        return super().format_value(value)


class AmountField(forms.DecimalField):
    """A monthly amount in euros: at least 0, at most 2 decimals, in either notation."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", AmountInput(attrs={"inputmode": "decimal"}))
        super().__init__(min_value=0, max_digits=9, decimal_places=2, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = normalise_amount(value)
        return super().to_python(value)


class HouseholdIncomeForm(forms.Form):
    """The household and one amount field per income kind, so nothing has to be added up.
    Used by the check by hand and by the referral form."""

    applicant_age = forms.IntegerField(label=_("Age of the parent"), min_value=0,
                                       max_value=rules.MAX_AGE)
    has_partner = forms.BooleanField(label=_("Has a partner (married or living together)"),
                                     required=False)
    partner_age = forms.IntegerField(label=_("Age of the partner"), min_value=0,
                                     max_value=rules.MAX_AGE, required=False)
    children = forms.IntegerField(
        label=_("Children living at home"), min_value=0, max_value=30, initial=0,
        help_text=_("Not counting the expected baby."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in IncomeKind.choices:
            self.fields[AMOUNT_FIELD_PREFIX + kind] = AmountField(label=label, required=False)

    def household_fields(self):
        return [self[name] for name in HOUSEHOLD_FIELDS]

    def amount_fields(self, counted: bool, counted_kinds: frozenset[str]):
        return [self[AMOUNT_FIELD_PREFIX + kind] for kind in IncomeKind.values
                if (kind in counted_kinds) == counted]

    def check_field_names(self) -> list[str]:
        """The fields the eligibility check reads."""
        return [*HOUSEHOLD_FIELDS, *(AMOUNT_FIELD_PREFIX + kind for kind in IncomeKind.values)]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("has_partner") and cleaned.get("partner_age") is None:
            self.add_error("partner_age", _("Fill in the partner's age."))
        if not cleaned.get("has_partner"):
            cleaned["partner_age"] = None
        return cleaned

    def carried(self) -> list[tuple[str, str]]:
        """The household and incomes as parsed, as form data for a page that takes them over
        (the referral form): in a POST, since incomes do not belong in a URL or a log. Amounts
        in ``1234.56``, which ``normalise_amount`` reads in any language."""
        data = []
        for name in self.check_field_names():
            value = self.cleaned_data.get(name)
            if value is None or value is False:
                continue  # an unchecked box is sent as nothing, as a browser does
            data.append((name, "on" if value is True else str(value)))
        return data

    def household(self) -> rules.Household:
        data = self.cleaned_data
        return rules.Household(
            applicant_age=data["applicant_age"], has_partner=data["has_partner"],
            partner_age=data["partner_age"], children=data["children"],
        )

    def incomes(self) -> list[rules.Income]:
        return [
            rules.Income(kind=kind, amount=self.cleaned_data[AMOUNT_FIELD_PREFIX + kind])
            for kind in IncomeKind.values
            if self.cleaned_data.get(AMOUNT_FIELD_PREFIX + kind) is not None
        ]

    def field_for(self, error: rules.EligibilityError) -> str | None:
        return self.field_for_path(error.field)

    def field_for_path(self, path: str) -> str | None:
        """The form field for a rule error's dotted path, e.g. ``incomes.2.amount``."""
        head, _, rest = path.partition(".")
        if head == "household":
            return rest if rest in self.fields else None
        if head == "incomes":
            index = rest.split(".")[0]
            incomes = self.incomes()
            if index.isdigit() and int(index) < len(incomes):
                return AMOUNT_FIELD_PREFIX + incomes[int(index)].kind
            return None
        return head if head in self.fields else None


class CheckForm(HouseholdIncomeForm):
    """The check by hand, on a date of the user's choice."""

    field_order = ["reference_date"]

    reference_date = forms.DateField(
        label=_("Reference date"),
        # A date input only reads ISO dates, whatever the page's language.
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=_("The norms in force on this date are used."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference_date"].initial = timezone.localdate

    def chosen_date(self) -> datetime.date:
        return self.cleaned_data["reference_date"]
