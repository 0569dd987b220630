"""The statistics API's query parameters and, for the schema, its answer (DESIGN §7.2).

The query serializers parse and hand over typed input (a ``Period``, the groupings); the rules
of what a period and a grouping are stay in ``logistics.statistics.figures``."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from logistics.models import DeliveryMethod, Municipality
from logistics.statistics import exports, figures

MONTH_HELP = "A month as YYYY-MM, e.g. 2026-10."


def _month(value: str, field: str):
    try:
        return figures.parse_month(value)
    except ValueError as error:
        raise serializers.ValidationError({field: [str(error)]}) from None


class MunicipalityFilterMixin(serializers.Serializer):
    municipality = serializers.CharField(
        required=False, max_length=20,
        help_text="Only this municipality, by its CBS code (GM0344); `unknown` for the "
                  "referrals whose postcode no municipality covers.")

    def validate_municipality(self, value):
        if value == figures.UNKNOWN:
            return value
        found = Municipality.objects.filter(code=value).first()
        if found is None:
            raise serializers.ValidationError(_("No municipality has this code."))
        return found


class DistributionQuerySerializer(MunicipalityFilterMixin):
    # ``from`` is a Python keyword: declared through the class namespace.
    locals()["from"] = serializers.CharField(max_length=7, help_text=f"First month. {MONTH_HELP}")
    to = serializers.CharField(max_length=7, help_text=f"Last month, included. {MONTH_HELP}")
    group_by = serializers.CharField(
        required=False, default="month", max_length=200,
        help_text="Comma-separated groupings: " + ", ".join(figures.GROUPINGS)
                  + ". Default `month`.")
    format = serializers.ChoiceField(choices=exports.FORMATS, default="json",
                                     help_text="`json` (default), `csv` or `xlsx`.")

    def validate_group_by(self, value):
        names = [name.strip() for name in value.split(",") if name.strip()]
        try:
            return figures.check_group_by(names)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None

    def validate(self, attrs):
        first = _month(attrs.pop("from"), "from")
        last = _month(attrs.pop("to"), "to")
        if last < first:
            raise serializers.ValidationError(
                {"to": [_("The last month comes before the first.")]})
        attrs["period"] = figures.Period(first, last)
        return attrs


class ResearchQuerySerializer(MunicipalityFilterMixin):
    locals()["from"] = serializers.CharField(
        required=False, max_length=7,
        help_text=f"Only referrals made from this month on. {MONTH_HELP}")
    to = serializers.CharField(
        required=False, max_length=7,
        help_text=f"Up to this month, included (default: `from`). {MONTH_HELP}")

    def validate(self, attrs):
        first, last = attrs.pop("from", None), attrs.pop("to", None)
        if first is None and last is not None:
            raise serializers.ValidationError({"from": [_("Give the first month too.")]})
        attrs["period"] = None
        if first is not None:
            first_month = _month(first, "from")
            last_month = _month(last, "to") if last is not None else first_month
            if last_month < first_month:
                raise serializers.ValidationError(
                    {"to": [_("The last month comes before the first.")]})
            attrs["period"] = figures.Period(first_month, last_month)
        return attrs


# The answer, for the schema only: the view writes ``exports.as_json``.

COUNT_SCHEMA = {
    "oneOf": [
        {"type": "integer", "minimum": 0},
        {"type": "string", "pattern": r"^(<\d+|x)$",
         "description": "A hidden count: `<5` for 1 to 4, `x` where a total would give a "
                        "hidden count away."},
    ],
}


@extend_schema_field(COUNT_SCHEMA)
class CountField(serializers.Field):
    pass


class CountsSerializer(serializers.Serializer):
    referred = CountField()
    approved = CountField()
    rejected = CountField()
    cancelled = CountField()
    delivered = CountField()
    delivered_in_time = CountField()


class DistributionRowSerializer(CountsSerializer):
    month = serializers.CharField(required=False, help_text="YYYY-MM (grouped by month).")
    organisation = serializers.CharField(required=False,
                                         help_text="Referring organisation's code.")
    organisation_name = serializers.CharField(required=False)
    kit_type = serializers.CharField(required=False, help_text="Kit type's code.")
    kit_type_name = serializers.CharField(required=False)
    municipality = serializers.CharField(
        required=False, allow_null=True,
        help_text="CBS code; null: no municipality covers the postcode (\"unknown\").")
    municipality_name = serializers.CharField(required=False)
    method = serializers.ChoiceField(
        choices=DeliveryMethod.choices, required=False,
        help_text="Delivery method: `delivery` (at the door), `pickup` (pick-up point), `post`.")
    method_name = serializers.CharField(required=False)


class DistributionSerializer(serializers.Serializer):
    locals()["from"] = serializers.CharField(help_text="First month, YYYY-MM.")
    to = serializers.CharField(help_text="Last month, YYYY-MM.")
    group_by = serializers.ListField(child=serializers.ChoiceField(choices=figures.GROUPINGS))
    rows = DistributionRowSerializer(many=True)
    totals = CountsSerializer()
