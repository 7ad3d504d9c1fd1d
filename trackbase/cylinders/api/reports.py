"""Seed 004's admin reports, each as JSON or CSV (`Accept: text/csv` or `?format=csv`, streamed)."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from trackbase.accounts.permissions import IsAdmin
from trackbase.core.inputs import validated
from trackbase.core.pagination import PAGE_PARAMETERS, page_of, paginate
from trackbase.core.schema import problems
from trackbase.cylinders import reports
from trackbase.cylinders.csv_export import CSVRenderer, csv_response, wants_csv
from trackbase.cylinders.models import ShipmentStatus
from trackbase.cylinders.report_serializers import ActivityOutput, InventoryOutput, ShipmentRowOutput

TAGS = ["cylinders admin"]
CSV_PARAMETER = OpenApiParameter(
    "format",
    str,
    enum=["json", "csv"],
    description="csv: the same report as a streamed CSV (or send Accept: text/csv).",
)
MAX_REPORT_DAYS = 366 * 3


class ReportApi(APIView):
    permission_classes = [IsAdmin]
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer]


class ShipmentReportApi(ReportApi):
    class FilterSerializer(serializers.Serializer):
        worker = serializers.IntegerField(
            min_value=1, max_value=2**63 - 1, required=False, help_text="Sent or received by."
        )
        sent_to = serializers.CharField(max_length=255, required=False)
        status = serializers.ChoiceField(choices=ShipmentStatus.choices, required=False)
        date_from = serializers.DateField(required=False, help_text="Sent on or after this day.")
        date_to = serializers.DateField(required=False, help_text="Sent on or before this day.")

    @extend_schema(
        parameters=[FilterSerializer, *PAGE_PARAMETERS, CSV_PARAMETER],
        responses={200: page_of(ShipmentRowOutput), **problems(400, 401, 403)},
        summary="Shipments and the workers who sent and received them (CSV: every matching row)",
        operation_id="admin_shipments",
        tags=TAGS,
    )
    def get(self, request):
        rows = reports.shipment_rows(**validated(self.FilterSerializer, request.query_params))
        if wants_csv(request):
            header = list(ShipmentRowOutput().fields)
            lines = ([ShipmentRowOutput(row).data[name] for name in header] for row in rows.iterator(chunk_size=2000))
            return csv_response("shipments.csv", header, lines)
        return paginate(request, rows, serializer=ShipmentRowOutput)


class InventoryReportApi(ReportApi):
    class FilterSerializer(serializers.Serializer):
        out_days = serializers.IntegerField(
            min_value=0, max_value=3650, default=30, help_text="Out longer than N days."
        )
        test_due_days = serializers.IntegerField(min_value=0, max_value=3650, default=30, help_text="Tests due within.")

    @extend_schema(
        parameters=[FilterSerializer, CSV_PARAMETER],
        responses={200: InventoryOutput, **problems(400, 401, 403)},
        summary="Stock: counts by status, customer holdings, gas types, cylinders out too long, tests due",
        operation_id="admin_inventory",
        tags=TAGS,
    )
    def get(self, request):
        summary = reports.inventory(**validated(self.FilterSerializer, request.query_params))
        if wants_csv(request):
            return csv_response("inventory.csv", ["section", "key", "status", "value"], _inventory_lines(summary))
        return Response(InventoryOutput(summary).data)


def _inventory_lines(summary: dict):
    for status, n in summary["by_status"].items():
        yield ["by_status", status, status, n]
    for section in ("by_customer", "by_station"):
        for place in summary[section]:
            yield [section, place["sent_to"], "", place["count"]]
    for gas in summary["by_gas_type"]:
        for status, n in gas["by_status"].items():
            yield ["by_gas_type", gas["gas_type"], status, n]
    out = summary["out_longer_than"]
    yield ["out_longer_than", f"{out['days']} days", "", out["count"]]
    for cylinder in out["cylinders"]:
        yield ["out_longer_than", cylinder["serial_number"], cylinder["status"], cylinder["days_out"]]
    tests = summary["tests_due"]
    yield ["tests_due", "overdue", "", tests["overdue"]]
    yield ["tests_due", f"within {tests['within_days']} days", "", tests["due_soon"]]


class ActivityReportApi(ReportApi):
    class FilterSerializer(serializers.Serializer):
        period = serializers.ChoiceField(choices=["day", "week"], default="day")
        date_from = serializers.DateField(required=False, help_text="Default: 30 days before date_to.")
        date_to = serializers.DateField(required=False, help_text="Default: today.")

        def validate(self, data):
            data["date_to"] = data.get("date_to") or timezone.localdate()
            data["date_from"] = data.get("date_from") or data["date_to"] - timedelta(days=29)
            if data["date_from"] > data["date_to"]:
                raise serializers.ValidationError({"date_from": ["Must not be after date_to."]})
            if (data["date_to"] - data["date_from"]).days > MAX_REPORT_DAYS:
                raise serializers.ValidationError({"date_from": [f"At most {MAX_REPORT_DAYS} days per report."]})
            return data

    @extend_schema(
        parameters=[FilterSerializer, CSV_PARAMETER],
        responses={200: ActivityOutput, **problems(400, 401, 403)},
        summary="Shipments, returns, refills per day or week; refill turnaround; days at customers; "
        "per-worker activity; trashed by reason",
        operation_id="admin_reports",
        tags=TAGS,
    )
    def get(self, request):
        report = reports.activity(**validated(self.FilterSerializer, request.query_params))
        if wants_csv(request):
            return csv_response("reports.csv", ["section", "key", "metric", "value"], _activity_lines(report))
        return Response(ActivityOutput(report).data)


def _activity_lines(report: dict):
    for row in report["series"]:
        for metric, value in row.items():
            if metric != "period":
                yield [f"per_{report['period']}", row["period"], metric, value]
    turnaround = report["refill_turnaround"]
    for metric in ("count", "average_hours", "min_hours", "max_hours"):
        yield ["refill_turnaround", "all", metric, turnaround[metric]]
    for station in turnaround["by_station"]:
        yield ["refill_turnaround", station["station"], "average_hours", station["average_hours"]]
    days = report["days_at_customer"]
    yield ["days_at_customer", "all", "average_days", days["average_days"]]
    for customer in days["by_customer"]:
        yield ["days_at_customer", customer["sent_to"], "average_days", customer["average_days"]]
    for worker in report["workers"]:
        for metric, value in worker.items():
            if metric not in ("user_id", "username"):
                yield ["workers", worker["username"], metric, value]
    for reason in report["trashed_by_reason"]:
        yield ["trashed_by_reason", reason["reason"], "count", reason["count"]]
