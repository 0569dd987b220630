"""Search and filters of the referral list, one ``FilterSet`` for the page and the API
(``GET /api/v1/referrals/``): the same parameters, the same meaning, the same messages.

It narrows what ``selectors.referrals_for`` already allows and never widens it: a referrer
searching ``organisation=`` another organisation still sees only her own, because that filter is
a coordinator's only and the scope comes first.
"""

import datetime

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from logistics.models import KitType, Referral, ReferralStatus
from logistics.referrals.rules import normalise_postcode
from logistics.stock.forms import FIRST_DATE, LAST_DATE, ItemChoiceField
from startpakket import audit
from startpakket.models import Organisation
from startpakket.roles import OrganisationKind, Role
from startpakket.widgets import LongSelect, NamedChoices

ALL = "all"

# What the audit trail may not hold of a search: it outlives the referrals' retention period.
PERSONAL = {"name", "postcode"}

# A date input sends ISO dates, whatever the page's language.
DATE_WIDGET = forms.DateInput(format="%Y-%m-%d",
                              attrs={"type": "date", "min": FIRST_DATE, "max": LAST_DATE})


class PostcodeSearchField(forms.CharField):
    """A whole postcode in any spelling (``1234ab``, ``1234 AB``) as it is stored, ``1234 AB``;
    or only its four digits, which also finds anonymised referrals (they keep just those)."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        digits = value.replace(" ", "")
        if len(digits) == 4 and digits.isascii() and digits.isdigit() and digits[0] != "0":
            return digits
        postcode = normalise_postcode(value)
        if postcode is None:
            raise forms.ValidationError(
                _("Enter a postcode such as 1234 AB, or only its four digits."), code="invalid")
        return postcode


class PostcodeFilter(django_filters.CharFilter):
    field_class = PostcodeSearchField


class CodeChoiceFilter(django_filters.ModelChoiceFilter):
    """An object chosen by its code; a NUL character (which PostgreSQL cannot compare) is an
    invalid choice, as in the stock forms."""

    field_class = ItemChoiceField


class LongCodeChoiceField(ItemChoiceField):
    """One of thousands of objects (every referring organisation, at a national foundation),
    its options written as plain values."""

    iterator = NamedChoices
    widget = LongSelect


class LongCodeChoiceFilter(CodeChoiceFilter):
    field_class = LongCodeChoiceField


class ReferralFilterForm(forms.Form):
    """The filters' form: a range of days that ends before it starts is named at its end."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("submitted_from"), cleaned.get("submitted_to")
        if start and end and start > end:
            self.add_error("submitted_to", _("This date is before the start date."))
        return cleaned


def _date_filter(label, method):
    return django_filters.DateFilter(
        label=label, method=method, widget=DATE_WIDGET,
        validators=[MinValueValidator(FIRST_DATE), MaxValueValidator(LAST_DATE)])


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _name_words(word: str) -> set[str]:
    """The spellings to look for. SQLite compares case-insensitively only in ASCII, so for a
    word with other letters the usual capitalisations are tried as well ("öztürk" finds
    "Öztürk"); PostgreSQL needs none of them, and they do no harm there."""
    return {word} if word.isascii() else {word, word.lower(), word.capitalize(), word.upper()}


class ReferralFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(
        label=_("Code"), method="filter_code", max_length=20)
    name = django_filters.CharFilter(
        label=_("Name"), method="filter_name", max_length=100)
    postcode = PostcodeFilter(
        label=_("Postcode"), method="filter_postcode", max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "1234 AB", "autocapitalize": "characters"}))
    status = django_filters.ChoiceFilter(
        label=_("Status"), method="filter_status",
        choices=[(ALL, _("All")), *ReferralStatus.choices])
    kit_type = CodeChoiceFilter(
        label=_("Kit type"), queryset=KitType.objects.order_by("name"), to_field_name="code",
        empty_label=_("All kit types"))
    organisation = LongCodeChoiceFilter(
        label=_("Organisation"), to_field_name="code", empty_label=_("All organisations"),
        queryset=Organisation.objects.of_kind(OrganisationKind.REFERRER).order_by("name"))
    submitted_from = _date_filter(_("Referred from"), "filter_submitted_from")
    submitted_to = _date_filter(_("Referred up to and including"), "filter_submitted_to")
    due_before = _date_filter(_("Due before"), "filter_due_before")

    class Meta:
        model = Referral
        form = ReferralFilterForm
        fields: list[str] = []  # every filter is declared above

    def __init__(self, data=None, queryset=None, *, request=None, default_statuses=(),
                 **kwargs):
        """``default_statuses``: what an empty status shows (the page: the referrals still under
        way); none means every status, as the API has always had it."""
        super().__init__(data, queryset, request=request, **kwargs)
        self.default_statuses = frozenset(default_statuses)
        user = getattr(request, "user", None)
        if user is None or not user.has_role(Role.COORDINATOR):
            del self.filters["organisation"]
        # Volunteers see codes, not names, in the list (DESIGN §4): no finding a code by name.
        if user is None or not user.has_role(Role.REFERRER, Role.COORDINATOR):
            del self.filters["name"]
        if self.default_statuses:
            self.filters["status"].extra["empty_label"] = _("Under way")

    def filter_queryset(self, queryset):
        if self.default_statuses and not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status__in=self.default_statuses)
        return super().filter_queryset(queryset)

    def filter_code(self, referrals, name, value):
        return referrals.filter(code__icontains=value)

    def filter_name(self, referrals, name, value):
        # Every word in the first or the last name: "anna vries" finds Anna de Vries.
        for word in value.split():
            matches = Q()
            for spelling in _name_words(word):
                matches |= (Q(parent_first_name__icontains=spelling)
                            | Q(parent_last_name__icontains=spelling))
            referrals = referrals.filter(matches)
        return referrals

    def filter_postcode(self, referrals, name, value):
        if len(value) == 4:
            # Every stored postcode with these digits ("1234", "1234 AA" … "1234 ZZ") as a range
            # the address index serves: a LIKE reads the whole list in its order instead.
            return referrals.filter(postcode__range=(value, f"{value} ZZ"))
        return referrals.filter(postcode=value)

    def filter_status(self, referrals, name, value):
        return referrals if value == ALL else referrals.filter(status=value)

    def filter_submitted_from(self, referrals, name, value):
        # Local midnights as a range on created_at, not a date of it: the index serves.
        return referrals.filter(created_at__gte=_start_of(value))

    def filter_submitted_to(self, referrals, name, value):
        return referrals.filter(created_at__lt=_start_of(value + datetime.timedelta(days=1)))

    def filter_due_before(self, referrals, name, value):
        return referrals.filter(due_date__lt=value)

    def search_details(self) -> dict[str, str]:
        """The filters that chose the rows, for the audit trail: names and postcodes only as
        having been searched for."""
        details = {}
        self.form.is_valid()  # cleaned_data holds the fields that were valid
        for name, value in self.form.cleaned_data.items():
            if value in (None, ""):
                continue
            if name in PERSONAL:
                value = audit.REDACTED
            elif isinstance(value, Model):
                value = value.code
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            details[name] = value
        return details


def record_search(user, filters: ReferralFilter) -> None:
    """A filtered list is a search of personal data: logged with what it searched for."""
    if filters.is_bound and (details := filters.search_details()):
        audit.record_read(user=user, obj=Referral, what=audit.REFERRALS_SEARCHED,
                          filters=details)
