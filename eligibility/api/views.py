from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from eligibility import explain, rules, services
from eligibility.api.serializers import CheckInputSerializer, DecisionSerializer
from startpakket.api.permissions import HasRequiredPermission


class EligibilityCheckView(APIView):
    """Check a household's income against the norms in force on the reference date (default
    today). Nothing is stored."""

    permission_classes = [HasRequiredPermission]
    required_permission = "eligibility.check_eligibility"
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "eligibility"

    @extend_schema(request=CheckInputSerializer, responses=DecisionSerializer)
    def post(self, request):
        data = CheckInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        household, incomes, reference_date = data.to_rules()
        try:
            decision = services.check_eligibility(
                household=household, incomes=incomes, reference_date=reference_date
            )
        except rules.EligibilityError as error:
            raise serializers.ValidationError({error.field: [explain.error_text(error)]}) from None
        return Response(DecisionSerializer(decision).data)
