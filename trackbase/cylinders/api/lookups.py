"""Cylinder reads: list with filters, detail, resolve a scanned code, history, QR images."""

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from trackbase.accounts.permissions import IsWorkerOrAdmin
from trackbase.core.inputs import validated
from trackbase.core.pagination import PAGE_PARAMETERS, page_of, paginate
from trackbase.core.schema import problems
from trackbase.cylinders import files, labels, selectors
from trackbase.cylinders.lifecycle import Status
from trackbase.cylinders.serializers import CylinderEventOutput, CylinderOutput

TAGS = ["cylinders"]
MAX_LABELS = 500


class CylinderListApi(APIView):
    permission_classes = [IsWorkerOrAdmin]

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Status.ALL, required=False)
        sent_to = serializers.CharField(max_length=255, required=False, help_text="Matched case- and space-blind.")
        gas_type = serializers.CharField(max_length=32, required=False)
        test_due_before = serializers.DateField(required=False, help_text="Next pressure test due before this date.")
        serial_number = serializers.CharField(max_length=40, required=False)

    @extend_schema(
        parameters=[FilterSerializer, *PAGE_PARAMETERS],
        responses={200: page_of(CylinderOutput), **problems(400, 401, 403)},
        summary="List cylinders",
        operation_id="cylinders_list",
        tags=TAGS,
    )
    def get(self, request):
        filters = validated(self.FilterSerializer, request.query_params)
        return paginate(request, selectors.cylinder_list(**filters), serializer=CylinderOutput)


class CylinderDetailApi(APIView):
    permission_classes = [IsWorkerOrAdmin]

    @extend_schema(responses={200: CylinderOutput, **problems(401, 403, 404)}, summary="One cylinder", tags=TAGS)
    def get(self, request, cylinder_id: int):
        return Response(CylinderOutput(selectors.cylinder_get(cylinder_id=cylinder_id)).data)


class CylinderByQrApi(APIView):
    permission_classes = [IsWorkerOrAdmin]

    @extend_schema(
        responses={200: CylinderOutput, **problems(401, 403, 404)},
        summary="Resolve a scanned QR code (a reprinted cylinder's old code resolves to nothing)",
        tags=TAGS,
    )
    def get(self, request, qr_code: str):
        return Response(CylinderOutput(selectors.cylinder_by_qr(qr_code=qr_code)).data)


class CylinderHistoryApi(APIView):
    permission_classes = [IsWorkerOrAdmin]

    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: page_of(CylinderEventOutput), **problems(400, 401, 403, 404)},
        summary="A cylinder's history, oldest first",
        operation_id="cylinder_history",
        tags=TAGS,
    )
    def get(self, request, cylinder_id: int):
        return paginate(request, selectors.cylinder_history(cylinder_id=cylinder_id), serializer=CylinderEventOutput)


class CylinderQrImageApi(APIView):
    """The cylinder's current QR code as an image, kept in file storage once rendered."""

    permission_classes = [IsWorkerOrAdmin]
    kind = "svg"

    @extend_schema(
        responses={(200, "image/svg+xml"): bytes, **problems(401, 403, 404)}, summary="QR code as SVG", tags=TAGS
    )
    def get(self, request, cylinder_id: int):
        cylinder = selectors.cylinder_get(cylinder_id=cylinder_id)
        content, content_type = files.qr_image(qr_code=cylinder.qr_code, kind=self.kind)
        response = HttpResponse(content, content_type=content_type)
        response["Cache-Control"] = "private, max-age=3600"
        return response


class CylinderQrPngApi(CylinderQrImageApi):
    kind = "png"

    @extend_schema(
        responses={(200, "image/png"): bytes, **problems(401, 403, 404)}, summary="QR code as PNG", tags=TAGS
    )
    def get(self, request, cylinder_id: int):
        return super().get(request, cylinder_id)


class CylinderLabelsApi(APIView):
    """A printable sheet of labels for a batch; the PDF is also kept in file storage."""

    permission_classes = [IsWorkerOrAdmin]

    class InputSerializer(serializers.Serializer):
        ids = serializers.ListField(
            child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), min_length=1, max_length=MAX_LABELS
        )

    @extend_schema(
        request=InputSerializer,
        responses={(200, "application/pdf"): bytes, **problems(400, 401, 403, 404, 409)},
        summary="Label sheet (PDF, A4, 3 x 7 labels) for these cylinders, in this order (none trashed)",
        tags=TAGS,
    )
    def post(self, request):
        ids = validated(self.InputSerializer, request.data)["ids"]
        name, content = labels.label_sheet_store(selectors.cylinders_for_labels(ids=ids))
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name.rsplit("/", 1)[-1]}"'
        response["X-Stored-As"] = name
        return response
