"""Admin report exports: queue a CSV into file storage, follow it, download it."""

from django.http import FileResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from trackbase.accounts.permissions import IsAdmin
from trackbase.core.inputs import validated
from trackbase.core.pagination import PAGE_PARAMETERS, page_of, paginate
from trackbase.core.schema import problems
from trackbase.cylinders import exports
from trackbase.cylinders.models import ReportExport

TAGS = ["cylinders admin"]


class ExportOutput(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.username", allow_null=True, default=None)

    class Meta:
        model = ReportExport
        fields = (
            "id",
            "report",
            "params",
            "status",
            "requested_by",
            "file",
            "rows",
            "error",
            "created_at",
            "finished_at",
        )


class ExportListApi(APIView):
    permission_classes = [IsAdmin]

    class InputSerializer(serializers.Serializer):
        report = serializers.ChoiceField(choices=sorted(exports.FILTERS))
        params = serializers.DictField(
            child=serializers.CharField(max_length=255, allow_blank=True),
            required=False,
            default=dict,
            help_text='The report\'s query parameters, as in its URL (e.g. {"period": "week"}).',
        )

        def validate_params(self, params):
            if len(params) > 10:
                raise serializers.ValidationError("At most 10 parameters.")
            return params

    @extend_schema(
        request=InputSerializer,
        responses={202: ExportOutput, **problems(400, 401, 403)},
        summary="Export a report (shipments, inventory, reports) as CSV into file storage, in the background",
        tags=TAGS,
    )
    def post(self, request):
        data = validated(self.InputSerializer, request.data)
        params = validated(exports.FILTERS[data["report"]], data["params"])
        export = exports.report_export_request(actor=request.user, report=data["report"], params=params)
        return Response(ExportOutput(export).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: page_of(ExportOutput), **problems(400, 401, 403)},
        summary="Report exports, newest first",
        operation_id="admin_exports_list",
        tags=TAGS,
    )
    def get(self, request):
        return paginate(request, ReportExport.objects.select_related("requested_by"), serializer=ExportOutput)


class ExportDetailApi(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(responses={200: ExportOutput, **problems(401, 403, 404)}, summary="One export", tags=TAGS)
    def get(self, request, export_id: int):
        return Response(ExportOutput(exports.report_export_get(export_id=export_id)).data)


class ExportFileApi(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(
        responses={(200, "text/csv"): bytes, **problems(401, 403, 404)}, summary="Download a finished export", tags=TAGS
    )
    def get(self, request, export_id: int):
        handle, filename = exports.report_export_open(export_id=export_id)
        return FileResponse(handle, as_attachment=True, filename=filename, content_type="text/csv; charset=utf-8")
