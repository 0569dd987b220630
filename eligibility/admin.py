from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin

from eligibility import rules
from eligibility.models import IncomeKind, NormRow, NormStatus, NormTable, Policy
from eligibility.resources import NormRowResource
from startpakket.spreadsheets import CSV, XLSX


class NormRowForm(forms.ModelForm):
    """Either amount may be left empty; it is then derived from the other (DESIGN §3.1)."""

    class Meta:
        model = NormRow
        fields = ["category", "amount_incl", "amount_excl", "status", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount_incl"].required = False
        self.fields["amount_excl"].required = False

    def clean(self):
        cleaned = super().clean()
        incl, excl = cleaned.get("amount_incl"), cleaned.get("amount_excl")
        if incl is None and excl is None and "amount_incl" not in self.errors:
            self.add_error("amount_incl", _("Give at least one of the two amounts."))
        elif incl is None and excl is not None:
            cleaned["amount_incl"] = rules.derive_incl(excl)
        elif excl is None and incl is not None:
            cleaned["amount_excl"] = rules.derive_excl(incl)
        return cleaned


class NormRowInline(admin.TabularInline):
    model = NormRow
    form = NormRowForm
    extra = 0


@admin.register(NormTable)
class NormTableAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "status_label", "row_count", "note"]
    inlines = [NormRowInline]
    search_fields = ["note"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("rows")

    @admin.display(description=_("status"))
    def status_label(self, obj):
        statuses = {row.status for row in obj.rows.all()}
        if NormStatus.UNCERTAIN in statuses:
            return _("uncertain: verify against the official Normenbrief")
        return NormStatus.PUBLISHED.label

    @admin.display(description=_("categories"))
    def row_count(self, obj):
        return len(obj.rows.all())


@admin.register(NormRow)
class NormRowAdmin(ImportExportMixin, admin.ModelAdmin):
    """All norms as one list, for import and export as CSV or XLSX."""

    resource_classes = [NormRowResource]
    formats = [CSV, XLSX]
    form = NormRowForm
    list_display = ["table", "category", "amount_incl", "amount_excl", "status"]
    list_filter = ["status", "table", "category"]
    list_select_related = ["table"]
    fields = ["table", "category", "amount_incl", "amount_excl", "status", "source"]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["fields"] = self.fields
        return super().get_form(request, obj, **kwargs)


class PolicyForm(forms.ModelForm):
    counted_income_kinds = forms.MultipleChoiceField(
        label=_("income kinds that count"),
        choices=IncomeKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Policy
        fields = [
            "valid_from", "threshold_percent", "include_holiday_allowance", "youth_norms",
            "single_parent_basis", "single_parent_couple_percent", "counted_income_kinds",
            "follow_up_decision", "carry_over_months", "note",
        ]


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    form = PolicyForm
    list_display = ["valid_from", "threshold_percent", "include_holiday_allowance",
                    "youth_norms", "single_parent_basis", "follow_up_decision",
                    "carry_over_months"]
