"""The statistics API (DESIGN §7.2), coordinators only (``logistics.view_statistics``).

``GET /api/v1/stats/distribution/`` answers the counts of ``figures.distribution`` with the
small ones hidden, as JSON, CSV or XLSX (``?format=``); ``GET /api/v1/stats/referrals/`` streams
the pseudonymised row-level export as CSV, each download recorded in the audit log."""

from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from logistics.models import Referral
from logistics.statistics import exports, figures
from logistics.statistics.api.serializers import (
    DistributionQuerySerializer,
    DistributionSerializer,
    ResearchQuerySerializer,
)
from startpakket import audit
from startpakket.api.permissions import HasRequiredPermission

FILE = OpenApiResponse(OpenApiTypes.BINARY, description="The table as a file to download.")


class StatisticsView(APIView):
    permission_classes = [HasRequiredPermission]
    required_permission = "logistics.view_statistics"

    def perform_content_negotiation(self, request, force=False):
        # ``?format=`` chooses the file, not a DRF renderer: answers that are not files
        # (the JSON table, errors) are always JSON.
        renderer = JSONRenderer()
        return renderer, renderer.media_type


def _download(content, content_type: str, filename: str, response_class=HttpResponse):
    response = response_class(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class DistributionView(StatisticsView):
    """Referred, approved, rejected, cancelled, delivered and delivered in time, per month,
    referring organisation, kit type and/or municipality, in whole months `from`–`to`.
    Counts from 1 to 4 are the string `"<5"`; where a column's total would give a hidden count
    away, the next smallest count is `"x"`. Totals are the real sums (small ones `"<5"`).
    Definitions: README, "Statistics"."""

    @extend_schema(
        parameters=[DistributionQuerySerializer],
        responses={
            (200, "application/json"): DistributionSerializer,
            (200, exports.CONTENT_TYPES["csv"].split(";")[0]): FILE,
            (200, exports.CONTENT_TYPES["xlsx"]): FILE,
        },
    )
    def get(self, request):
        query = DistributionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        table = figures.distribution(data["period"], data["group_by"],
                                     municipality=data.get("municipality"))
        if data["format"] == "json":
            return Response(exports.as_json(table))
        return _download(exports.export(table, data["format"]),
                         exports.CONTENT_TYPES[data["format"]],
                         exports.filename(table, data["format"]))


class ResearchExportView(StatisticsView):
    """One CSV line per referral for research, pseudonymised: no name, address, phone number,
    e-mail or exact date; the postcode's four digits, months, income as a band of percent of
    the norm. Optionally only the referrals made in `from`–`to`, or of one municipality.
    Streamed; every download is recorded in the audit log."""

    @extend_schema(
        parameters=[ResearchQuerySerializer],
        responses={(200, "text/csv"): FILE},
    )
    def get(self, request):
        query = ResearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        period, municipality = query.validated_data["period"], query.validated_data.get(
            "municipality")
        filters = {"format": "csv"}
        if period is not None:
            filters.update({"from": figures.month_code(period.first_month),
                            "to": figures.month_code(period.last_month)})
        if municipality is not None:
            filters["municipality"] = getattr(municipality, "code", municipality)
        audit.record_read(user=request.user, obj=Referral, what=audit.EXPORTED, filters=filters)
        rows = exports.research_rows(period=period, municipality=municipality)
        return _download(exports.research_csv(rows), exports.CONTENT_TYPES["csv"],
                         exports.research_filename(period), StreamingHttpResponse)
