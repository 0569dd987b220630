"""Import and export of items, kit types and kit contents as CSV and XLSX (django-import-export),
keyed on the natural codes (an item's ``sku``, a kit type's ``code``), so that an exported file,
edited in a spreadsheet, imports again.

Only master data goes through here. Stock is never imported: it changes only by ledger movements
written by ``logistics.stock.services``.

An empty cell in a column with a default (active, low-stock level, per baby) keeps what is there;
a new row gets the model's default. A value the widgets cannot read is a row error, never a guess.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from logistics.models import Item, KitComponent, KitType


class YesNoWidget(widgets.BooleanWidget):
    """Reads 1/0, true/false, yes/no and ja/nee. The library's widget reads every word it does not
    know as false, so "ja" or a typo would quietly deactivate an item."""

    TRUE_TEXTS = {"1", "true", "yes", "y", "ja", "j"}
    FALSE_TEXTS = {"0", "false", "no", "n", "nee"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = "" if value is None else str(value).strip().lower()
        # XLSX cells hold numbers: 1 arrives as 1 or 1.0.
        text = {"1.0": "1", "0.0": "0"}.get(text, text)
        if not text:
            return None
        if text in self.TRUE_TEXTS:
            return True
        if text in self.FALSE_TEXTS:
            return False
        raise ValueError(_("Not yes or no: %(value)s") % {"value": value})


WHOLE_NUMBER = re.compile(r"^-?\d+(\.0+)?$")


class WholeNumberWidget(widgets.IntegerWidget):
    """The library's widget cuts 2.5 down to 2 and reads separators by the active locale, so that
    1.000 could mean one or a thousand; here anything but a plain whole number is refused."""

    def __init__(self):
        # Exported as numbers, not localised text, so a file means the same in every language.
        super().__init__(coerce_to_string=False)

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        if not WHOLE_NUMBER.match(text):
            raise ValueError(_("Not a whole number: %(value)s") % {"value": value})
        return int(float(text)) if "." in text else int(text)


class CodeWidget(widgets.CachedForeignKeyWidget):
    """A related kit type or item named by its code. An unknown code makes the row invalid with a
    message naming it; the library would report a bare ``DoesNotExist`` with a traceback.

    The lookup runs in the instance loader too, where only a ``ValidationError`` becomes a row
    error, so that is raised rather than the ``ValueError`` other widgets use."""

    def __init__(self, model, field, *, column, message):
        super().__init__(model, field=field)
        self.column = column
        self.message = message

    def clean(self, value, row=None, **kwargs):
        value = "" if value is None else str(value).strip()
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValidationError({self.column: self.message % {"value": value}}) from None


class NaturalKeyResource(resources.ModelResource):
    """Refuses a second row with the same key in one file: otherwise the last row would quietly
    overwrite the first."""

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._seen_keys: dict[tuple, int] = {}

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        columns = [self.fields[name].column_name for name in self.get_import_id_fields()]
        key = tuple(str(row.get(column) or "").strip() for column in columns)
        if key in self._seen_keys:
            raise ValidationError(
                {columns[-1]: _("Duplicate of row %(row)s (same %(key)s).")
                 % {"row": self._seen_keys[key], "key": " / ".join(key)}}
            )
        self._seen_keys[key] = kwargs.get("row_number")


class ItemResource(NaturalKeyResource):
    # Declared without a default: an empty cell is an error, not a silent reset to "piece".
    unit = fields.Field(attribute="unit", column_name="unit")
    low_stock_level = fields.Field(attribute="low_stock_level", column_name="low_stock_level",
                                   widget=WholeNumberWidget(), saves_null_values=False)
    is_active = fields.Field(attribute="is_active", column_name="is_active",
                             widget=YesNoWidget(), saves_null_values=False)

    class Meta:
        model = Item
        import_id_fields = ("sku",)
        fields = ("sku", "name", "unit", "low_stock_level", "is_active")
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        use_transactions = True


class KitTypeResource(NaturalKeyResource):
    """A kit type with its English texts, its time window (whole weeks from the due or birth
    date, negative before it) and its follow-up kit type by code (empty: none). A file without
    one of the columns keeps what is there, so a file exported before they existed imports as
    it did; an empty window cell keeps the week that is there.

    ``on_window_change(kit_type)``: what a kit type's window sets going for its referrals (the
    admin passes the referrals' service; this slice knows nothing of referrals). Called after
    each kit type the import saves, in the import's transaction."""

    is_active = fields.Field(attribute="is_active", column_name="is_active",
                             widget=YesNoWidget(), saves_null_values=False)
    window_opens_weeks = fields.Field(attribute="window_opens_weeks",
                                      column_name="window_opens_weeks",
                                      widget=WholeNumberWidget(), saves_null_values=False)
    deliver_by_weeks = fields.Field(attribute="deliver_by_weeks", column_name="deliver_by_weeks",
                                    widget=WholeNumberWidget(), saves_null_values=False)
    follow_up = fields.Field(
        attribute="follow_up", column_name="follow_up",
        widget=CodeWidget(KitType, "code", column="follow_up",
                          message=gettext_lazy("Unknown kit type: %(value)s")),
    )

    class Meta:
        model = KitType
        import_id_fields = ("code",)
        fields = ("code", "name", "description", "name_en", "description_en",
                  "window_opens_weeks", "deliver_by_weeks", "follow_up", "is_active")
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        use_transactions = True

    def __init__(self, on_window_change=None, **kwargs):
        super().__init__(**kwargs)
        self.on_window_change = on_window_change

    def after_save_instance(self, instance, row, **kwargs):
        # Only changed kit types are saved (``skip_unchanged``), and the service rewrites only
        # the dates that its window moves: no need to work out here whether the window changed.
        super().after_save_instance(instance, row, **kwargs)
        if self.on_window_change is not None:
            self.on_window_change(instance)


class KitComponentResource(NaturalKeyResource):
    """One line of a kit's contents: which kit (by code), which item (by SKU), how many."""

    kit_type = fields.Field(
        attribute="kit_type", column_name="kit_type",
        widget=CodeWidget(KitType, "code", column="kit_type",
                          message=gettext_lazy("Unknown kit type: %(value)s")),
    )
    item = fields.Field(
        attribute="item", column_name="item",
        widget=CodeWidget(Item, "sku", column="item",
                          message=gettext_lazy("Unknown SKU: %(value)s")),
    )
    quantity = fields.Field(attribute="quantity", column_name="quantity",
                            widget=WholeNumberWidget())
    per_baby = fields.Field(attribute="per_baby", column_name="per_baby",
                            widget=YesNoWidget(), saves_null_values=False)

    class Meta:
        model = KitComponent
        import_id_fields = ("kit_type", "item")
        fields = ("kit_type", "item", "quantity", "per_baby")
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        use_transactions = True
