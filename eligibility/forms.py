import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eligibility import rules
from eligibility.models import IncomeKind

AMOUNT_FIELD_PREFIX = "income_"


class CheckForm(forms.Form):
    """The check by hand: one amount field per income kind, so nothing has to be added up."""

    reference_date = forms.DateField(
        label=_("Reference date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The norms in force on this date are used."),
    )
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
        self.fields["reference_date"].initial = timezone.localdate
        for kind, label in IncomeKind.choices:
            self.fields[AMOUNT_FIELD_PREFIX + kind] = forms.DecimalField(
                label=label, required=False, min_value=0, max_digits=9, decimal_places=2,
                localize=True, widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )

    def amount_fields(self, counted: bool, counted_kinds: frozenset[str]):
        return [self[AMOUNT_FIELD_PREFIX + kind] for kind in IncomeKind.values
                if (kind in counted_kinds) == counted]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("has_partner") and cleaned.get("partner_age") is None:
            self.add_error("partner_age", _("Fill in the partner's age."))
        if not cleaned.get("has_partner"):
            cleaned["partner_age"] = None
        return cleaned

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

    def chosen_date(self) -> datetime.date:
        return self.cleaned_data["reference_date"]

    def field_for(self, error: rules.EligibilityError) -> str | None:
        """The form field for a rule error's dotted path, e.g. ``incomes.2.amount``."""
        head, _, rest = error.field.partition(".")
        if head == "household":
            return rest
        if head == "incomes":
            index = int(rest.split(".")[0])
            return AMOUNT_FIELD_PREFIX + self.incomes()[index].kind
        return head if head in self.fields else None
