"""Municipalities in and out as CSV or XLSX (django-import-export), keyed on the CBS code: one
row per municipality, its postcodes as text (``3500-3585, 3600``). A bad line is named with its
reason and nothing is written (the import runs in one transaction)."""

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from logistics.models import Municipality
from logistics.statistics.municipalities import (
    format_ranges,
    parse_ranges,
    set_postcode_ranges,
)


class MunicipalityResource(resources.ModelResource):
    postcodes = fields.Field(attribute="postcodes", column_name="postcodes",
                             widget=widgets.CharWidget())

    class Meta:
        model = Municipality
        import_id_fields = ("code",)
        fields = ("code", "name", "price_per_kit", "postcodes")
        skip_unchanged = False
        clean_model_instances = True

    def dehydrate_postcodes(self, municipality: Municipality) -> str:
        return format_ranges((r.first, r.last) for r in municipality.postcode_ranges.all())

    def get_export_queryset(self, request=None, *args, **kwargs):
        return super().get_export_queryset(request, *args, **kwargs).prefetch_related(
            "postcode_ranges")

    def import_instance(self, instance, row, **kwargs):
        # Read first: the other fields' errors must not hide the postcodes'.
        instance.ranges_error = None
        try:
            instance.new_ranges = parse_ranges(str(row.get("postcodes") or ""))
        except ValidationError as error:
            instance.new_ranges, instance.ranges_error = [], error
        super().import_instance(instance, row, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if instance.ranges_error is not None:
            errors["postcodes"] = instance.ranges_error.messages
        super().validate_instance(instance, errors, validate_unique)

    def after_save_instance(self, instance, row, **kwargs):
        # Refuses an overlap (with another row of the file, or a municipality already there):
        # the row's error, and the whole import is rolled back.
        set_postcode_ranges(instance, instance.new_ranges or [])
