"""Seed 004's admin reports, each as JSON or CSV (`Accept: text/csv` or `?format=csv`, streamed)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from trackbase.accounts.permissions import IsAdmin
from trackbase.core.inputs import validated
from trackbase.core.pagination import PAGE_PARAMETERS, page_of, page_window, paginate
from trackbase.core.schema import problems
from trackbase.cylinders import reports
from trackbase.cylinders.csv_export import CSVRenderer, csv_response, wants_csv
from trackbase.cylinders.report_inputs import ActivityFilter, InventoryFilter, ShipmentFilter
from trackbase.cylinders.report_serializers import ActivityOutput, InventoryOutput, ShipmentRowOutput
from trackbase.cylinders.report_tables import activity_table, inventory_table, shipments_table

TAGS = ["cylinders admin"]
FORMATS = ("json", "csv")
CSV_PARAMETER = OpenApiParameter(
    "format",
    str,
    enum=list(FORMATS),
    description="csv: the same report as a streamed CSV (or send Accept: text/csv).",
)


class ReportApi(APIView):
    permission_classes = [IsAdmin]
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer]

    def perform_content_negotiation(self, request, force=False):
        """`?format=` is a documented parameter: anything but one json or csv is a 400 naming it (DRF's
        own format override answers an unknown format with a 404, and ignores an empty one)."""
        if not force and "format" in request.query_params:
            given = request.query_params.getlist("format")
            if len(given) != 1 or given[0] not in FORMATS:
                raise ValidationError({"format": [f"Must be one of: {', '.join(FORMATS)}."]})
        return super().perform_content_negotiation(request, force)


class ShipmentReportApi(ReportApi):
    @extend_schema(
        parameters=[ShipmentFilter, *PAGE_PARAMETERS, CSV_PARAMETER],
        responses={200: page_of(ShipmentRowOutput), **problems(400, 401, 403)},
        summary="Shipments and the workers who sent and received them (CSV: every matching row)",
        operation_id="admin_shipments",
        tags=TAGS,
    )
    def get(self, request):
        params = validated(ShipmentFilter, request.query_params)
        page_window(request.query_params)  # documented for both answers: a bad limit is a 400 for CSV too
        if wants_csv(request):
            return csv_response(*shipments_table(params))
        return paginate(request, reports.shipment_rows(**params), serializer=ShipmentRowOutput)


class InventoryReportApi(ReportApi):
    @extend_schema(
        parameters=[InventoryFilter, CSV_PARAMETER],
        responses={200: InventoryOutput, **problems(400, 401, 403)},
        summary="Stock: counts by status, customer holdings, gas types, cylinders out too long, tests due",
        operation_id="admin_inventory",
        tags=TAGS,
    )
    def get(self, request):
        params = validated(InventoryFilter, request.query_params)
        if wants_csv(request):
            return csv_response(*inventory_table(params))
        return Response(InventoryOutput(reports.inventory(**params)).data)


class ActivityReportApi(ReportApi):
    @extend_schema(
        parameters=[ActivityFilter, CSV_PARAMETER],
        responses={200: ActivityOutput, **problems(400, 401, 403)},
        summary="Shipments, returns, refills per day or week; refill turnaround; days at customers; "
        "per-worker activity; trashed by reason",
        operation_id="admin_reports",
        tags=TAGS,
    )
    def get(self, request):
        params = validated(ActivityFilter, request.query_params)
        if wants_csv(request):
            return csv_response(*activity_table(params))
        return Response(ActivityOutput(reports.activity(**params)).data)
