"""Import and export of norm tables as CSV and XLSX (django-import-export), keyed on
``(valid_from, category)``. The columns are those of the shipped ``fixtures/bijstandsnormen.csv``,
so an exported file, edited in a spreadsheet, imports again.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from eligibility import rules
from eligibility.models import Category, NormRow, NormStatus, NormTable

INCL, EXCL = "amount_incl_holiday_allowance", "amount_excl_holiday_allowance"


class NormTableWidget(widgets.ForeignKeyWidget):
    """A table is named by its ``valid_from`` date; importing a new date makes a new table."""

    def __init__(self):
        super().__init__(NormTable, field="valid_from")

    def clean(self, value, row=None, **kwargs):
        valid_from = parse_date(value)
        table, _ = NormTable.objects.get_or_create(valid_from=valid_from)
        return table

    def render(self, value, obj=None, **kwargs):
        return value.valid_from.isoformat() if value else ""


def parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationError(
            {"valid_from": _("Not a date in the form YYYY-MM-DD: %(value)s") % {"value": value}}
        ) from None


# A Dutch spreadsheet writes 1.331,43 or 1331,43; anything else must be a plain 1331.43.
DUTCH_AMOUNT = re.compile(r"^-?(\d{1,3}(\.\d{3})+|\d+),\d+$")


def parse_amount(value, column: str) -> Decimal | None:
    text = str(value if value is not None else "").strip().replace("€", "").strip()
    if DUTCH_AMOUNT.match(text):
        text = text.replace(".", "").replace(",", ".")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError({column: _("Not an amount: %(value)s") % {"value": value}}) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError({column: _("An amount cannot be negative: %(value)s") % {
            "value": value}})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({column: _("Use at most 2 decimals: %(value)s") % {"value": value}})
    return amount


class NormRowResource(resources.ModelResource):
    valid_from = fields.Field(attribute="table", column_name="valid_from", widget=NormTableWidget())
    category = fields.Field(attribute="category", column_name="category")
    # Exported as numbers, not localised text, so a file means the same in every language.
    amount_incl = fields.Field(
        attribute="amount_incl", column_name=INCL,
        widget=widgets.DecimalWidget(coerce_to_string=False),
    )
    amount_excl = fields.Field(
        attribute="amount_excl", column_name=EXCL,
        widget=widgets.DecimalWidget(coerce_to_string=False),
    )
    status = fields.Field(attribute="status", column_name="status")
    source = fields.Field(attribute="source", column_name="source")

    class Meta:
        model = NormRow
        import_id_fields = ["valid_from", "category"]
        fields = ["valid_from", "category", "amount_incl", "amount_excl", "status", "source"]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        use_transactions = True

    def get_export_queryset(self, request=None, **kwargs):
        return NormRow.objects.select_related("table").order_by("table__valid_from", "category")

    def before_import(self, dataset, **kwargs):
        missing = {"valid_from", "category", INCL, EXCL} - set(dataset.headers or [])
        if missing:
            raise ValidationError(
                _("Missing columns: %(columns)s") % {"columns": ", ".join(sorted(missing))}
            )
        self._seen_keys: dict[tuple, int] = {}

    def before_import_row(self, row, **kwargs):
        """Check the row's key and amounts, and derive a missing amount (DESIGN §3.1)."""
        valid_from = parse_date(row.get("valid_from"))
        category = str(row.get("category") or "").strip()
        if category not in Category.values:
            raise ValidationError(
                {"category": _("Unknown category: %(value)s") % {"value": category or "—"}}
            )
        key = (valid_from, category)
        if key in self._seen_keys:
            raise ValidationError(
                {"category": _("Duplicate of row %(row)s (same date and category).")
                 % {"row": self._seen_keys[key]}}
            )
        self._seen_keys[key] = kwargs.get("row_number")

        incl, excl = parse_amount(row.get(INCL), INCL), parse_amount(row.get(EXCL), EXCL)
        if incl is None and excl is None:
            raise ValidationError({INCL: _("Give at least one of the two amounts.")})
        row["valid_from"] = valid_from.isoformat()
        row["category"] = category
        row[INCL] = incl if incl is not None else rules.derive_incl(excl)
        row[EXCL] = excl if excl is not None else rules.derive_excl(incl)
        row["status"] = str(row.get("status") or "").strip() or NormStatus.PUBLISHED
        row["source"] = str(row.get("source") or "").strip()
