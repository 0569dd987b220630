"""The dashboard's filter and the report's choice: months typed as ``2026-10`` (an
``<input type="month">`` where the browser has one), a municipality (all, one, or "unknown").
Bad input becomes a message at its field, never an error page."""

import re
from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from logistics.referrals.rules import add_months
from logistics.statistics import figures
from logistics.statistics.figures import Period
from startpakket.widgets import LongSelect

# At most this many months in one dashboard period: five years of bars still read.
MAX_MONTHS = 60
DEFAULT_MONTHS = 12
ALL = ""
_QUARTER = re.compile(r"^\s*(\d{4})-?[Qq]([1-4])\s*$")


def this_month():
    return timezone.localdate().replace(day=1)


class MonthInput(forms.TextInput):
    input_type = "month"


class MonthField(forms.Field):
    """A month as ``YYYY-MM`` (``figures.parse_month``); its value is the month's first day."""

    widget = MonthInput
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, such as 2026-10.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return figures.parse_month(str(value).strip())
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        return figures.month_code(value) if hasattr(value, "month") else value


class QuarterField(forms.Field):
    """A quarter as ``2026-Q4``; its value is the ``Period`` of its three months."""

    default_error_messages = {"invalid": _("Enter a quarter such as 2026-Q4.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        match = _QUARTER.match(str(value))
        if not match or not 2000 <= int(match[1]) <= 2999:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return Period.quarter(int(match[1]), int(match[2]))


class MunicipalityField(forms.ChoiceField):
    """All municipalities (empty: None), one by its CBS code (the ``Municipality``), or the
    referrals whose postcode no municipality covers (``figures.UNKNOWN``)."""

    def __init__(self, municipalities, **kwargs):
        choices = [(ALL, _("All municipalities")),
                   *((m.code, f"{m.name} ({m.code})") for m in municipalities),
                   (figures.UNKNOWN, _("Unknown municipality"))]
        # Written without a template per option: 342 municipalities nationally, twice a page.
        super().__init__(choices=choices, required=False, label=_("Municipality"),
                         widget=LongSelect, **kwargs)
        self.by_code = {m.code: m for m in municipalities}

    def clean(self, value):
        value = super().clean(value)
        if value == ALL:
            return None
        return value if value == figures.UNKNOWN else self.by_code[value]


def municipality_code(municipality) -> str:
    return getattr(municipality, "code", municipality) or ALL


class DashboardFilterForm(forms.Form):
    """``from`` and ``to`` (months; by default the last twelve, up to this month) and
    ``municipality``. ``cleaned_data["period"]`` is the ``Period``."""

    def __init__(self, data, *, municipalities):
        super().__init__(data)
        self.fields["from"] = MonthField(label=_("From month"), required=False)
        self.fields["to"] = MonthField(label=_("Up to and including month"), required=False)
        self.fields["municipality"] = MunicipalityField(municipalities)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        last = data.get("to") or this_month()
        first = data.get("from") or add_months(last, 1 - DEFAULT_MONTHS)
        if first > last:
            self.add_error("to", _("The last month comes before the first."))
        elif len(Period(first, last).months) > MAX_MONTHS:
            self.add_error("to", _("Choose at most %(count)d months.") % {"count": MAX_MONTHS})
        else:
            data["period"] = Period(first, last)
        return data

    def query(self) -> dict[str, str]:
        """The filter as query parameters (``from``, ``to``, ``municipality``) for the links."""
        period, municipality = self.cleaned_data["period"], self.cleaned_data["municipality"]
        query = {"from": figures.month_code(period.first_month),
                 "to": figures.month_code(period.last_month)}
        if municipality is not None:
            query["municipality"] = municipality_code(municipality)
        return query


class ReportForm(forms.Form):
    """``month`` or ``quarter`` (by default last month), ``municipality``, ``lang`` (nl, en).
    ``cleaned_data["period"]`` is the ``Period``."""

    def __init__(self, data, *, municipalities):
        super().__init__(data)
        self.fields["month"] = MonthField(label=_("Month"), required=False)
        self.fields["quarter"] = QuarterField(label=_("or quarter"), required=False,
                                              help_text=_("such as 2026-Q4"))
        self.fields["municipality"] = MunicipalityField(municipalities)
        self.fields["lang"] = forms.ChoiceField(
            label=_("Language"), required=False, choices=[("nl", "Nederlands"), ("en", "English")])

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        month, quarter = data.get("month"), data.get("quarter")
        if month and quarter:
            self.add_error("quarter", _("Choose a month or a quarter, not both."))
            return data
        data["period"] = quarter or Period.month(month or add_months(this_month(), -1))
        data["lang"] = data.get("lang") or "nl"
        return data


def report_query(period: Period, municipality, lang: str) -> str:
    """The report's link for a dashboard period: its last month."""
    query = {"month": figures.month_code(period.last_month), "lang": lang}
    if municipality is not None:
        query["municipality"] = municipality_code(municipality)
    return urlencode(query)
