"""Endpoints that fail on purpose, one per error kind, to test the problem+json format."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import include, path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from startpakket.errors import ConflictError, UnprocessableError


class IncomeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["wages", "benefit"])
    amount = serializers.DecimalField(max_digits=9, decimal_places=2, min_value=0)


class HouseholdSerializer(serializers.Serializer):
    applicant_age = serializers.IntegerField(min_value=0)


class NestedSerializer(serializers.Serializer):
    household = HouseholdSerializer()
    incomes = IncomeSerializer(many=True)

    def validate(self, attrs):
        if len(attrs["incomes"]) > 3:
            raise serializers.ValidationError("Too many incomes.")
        return attrs


class ValidateView(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        serializer = NestedSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({"ok": True})


class ConflictView(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        raise ConflictError(
            "Not enough stock.", short=[{"item": "LUIER-1", "needed": 2, "available": 1}]
        )


class UnprocessableView(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        raise UnprocessableError("This idempotency key was used for another request.")


class DjangoValidationView(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        raise DjangoValidationError({"postcode": ["Not a Dutch postcode."]})


class CrashView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("secret internal detail: /srv/db password=hunter2")


def crash_page(request):
    raise RuntimeError("secret internal detail: /srv/db password=hunter2")


urlpatterns = [
    path("test/crash/", crash_page),
    path("", include("startpakket.urls")),
    path("api/v1/test/validate/", ValidateView.as_view()),
    path("api/v1/test/conflict/", ConflictView.as_view()),
    path("api/v1/test/unprocessable/", UnprocessableView.as_view()),
    path("api/v1/test/django-validation/", DjangoValidationView.as_view()),
    path("api/v1/test/crash/", CrashView.as_view()),
]

handler400 = "startpakket.views.bad_request"
handler403 = "startpakket.views.permission_denied"
handler404 = "startpakket.views.page_not_found"
handler500 = "startpakket.views.server_error"
