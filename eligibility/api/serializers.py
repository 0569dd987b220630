import datetime

from rest_framework import serializers

from eligibility import explain, rules
from eligibility.models import Category, IncomeKind, NormStatus, Outcome
from startpakket.api.serializers import FieldsBuiltOnce

MAX_AMOUNT_DIGITS = 9


class HouseholdSerializer(FieldsBuiltOnce, serializers.Serializer):
    applicant_age = serializers.IntegerField(min_value=0, max_value=rules.MAX_AGE)
    has_partner = serializers.BooleanField(default=False)
    partner_age = serializers.IntegerField(
        min_value=0, max_value=rules.MAX_AGE, required=False, allow_null=True
    )
    children = serializers.IntegerField(min_value=0, max_value=30, default=0)


class IncomeSerializer(FieldsBuiltOnce, serializers.Serializer):
    kind = serializers.ChoiceField(choices=IncomeKind.choices)
    amount = serializers.DecimalField(
        max_digits=MAX_AMOUNT_DIGITS, decimal_places=2, min_value=0, coerce_to_string=True
    )


class CheckInputSerializer(serializers.Serializer):
    reference_date = serializers.DateField(required=False)
    household = HouseholdSerializer()
    incomes = IncomeSerializer(many=True, allow_empty=True, max_length=rules.MAX_INCOMES)

    def to_rules(self) -> tuple[rules.Household, list[rules.Income], datetime.date | None]:
        data = self.validated_data
        household = rules.Household(**data["household"])
        incomes = [rules.Income(kind=i["kind"], amount=i["amount"]) for i in data["incomes"]]
        return household, incomes, data.get("reference_date")


class NormTableSummarySerializer(serializers.Serializer):
    valid_from = serializers.DateField()
    status = serializers.ChoiceField(choices=NormStatus.choices)


class MessageSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


def money(value):
    return None if value is None else f"{value:.2f}"


class DecisionSerializer(serializers.Serializer):
    """The decision as DESIGN §7.2 lists it; money as strings with 2 decimals."""

    outcome = serializers.ChoiceField(choices=Outcome.choices)
    eligible = serializers.BooleanField(allow_null=True)
    category = serializers.ChoiceField(choices=Category.choices, allow_null=True)
    norm = serializers.CharField(allow_null=True)
    includes_holiday_allowance = serializers.BooleanField()
    threshold_percent = serializers.CharField()
    threshold = serializers.CharField(allow_null=True)
    counted_income = serializers.CharField()
    excluded_income = serializers.CharField()
    percent_of_norm = serializers.CharField(allow_null=True)
    norm_table = NormTableSummarySerializer()
    warnings = MessageSerializer(many=True)
    explanation = serializers.ListField(child=serializers.CharField())

    def to_representation(self, decision: rules.Decision):
        return {
            "outcome": decision.outcome.value,
            "eligible": decision.eligible,
            "category": decision.category.value if decision.category else None,
            "norm": money(decision.norm),
            "includes_holiday_allowance": decision.includes_holiday_allowance,
            "threshold_percent": money(decision.threshold_percent),
            "threshold": money(decision.threshold),
            "counted_income": money(decision.counted_income),
            "excluded_income": money(decision.excluded_income),
            "percent_of_norm": (
                None if decision.percent_of_norm is None else f"{decision.percent_of_norm:.1f}"
            ),
            "norm_table": {
                "valid_from": decision.norm_valid_from.isoformat(),
                "status": decision.norm_status.value,
            },
            "warnings": [
                {"code": warning.code, "message": explain.text(warning)}
                for warning in decision.warnings
            ],
            "explanation": [explain.text(message) for message in decision.explanation],
        }
