"""CSV import: upload (202 with a task id), then poll the status."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from trackbase.core.idempotency import idempotent
from trackbase.core.inputs import validated
from trackbase.core.schema import problems
from trackbase.travel.imports import service


class ImportAcceptedOutput(serializers.Serializer):
    task_id = serializers.UUIDField()


class ImportProgressOutput(serializers.Serializer):
    rows_done = serializers.IntegerField()
    rows_total = serializers.IntegerField()


class ImportRowErrorOutput(serializers.Serializer):
    row = serializers.IntegerField()
    message = serializers.CharField()


class ImportResultOutput(serializers.Serializer):
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    errors = ImportRowErrorOutput(many=True)


class ImportStatusOutput(serializers.Serializer):
    task_id = serializers.UUIDField(source="id")
    status = serializers.CharField()
    progress = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()

    def get_progress(self, job) -> ImportProgressOutput:
        return ImportProgressOutput({"rows_done": job.rows_done, "rows_total": job.rows_total}).data

    def get_result(self, job) -> ImportResultOutput(allow_null=True):
        return ImportResultOutput(job.result).data if job.result else None


class ImportCsvApi(APIView):
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()

    @extend_schema(
        tags=["travel"],
        request={"multipart/form-data": InputSerializer},
        responses={202: ImportAcceptedOutput, **problems(400, 401, 413)},
        summary="Import flights from a CSV file (generic or myFlightradar24), in the background",
    )
    @idempotent
    def post(self, request):
        upload = validated(self.InputSerializer, request.data)["file"]
        data = upload.read(service.max_bytes() + 1)
        job = service.import_job_create(user=request.user, data=data)
        return Response(ImportAcceptedOutput({"task_id": job.pk}).data, status=status.HTTP_202_ACCEPTED)


class ImportStatusApi(APIView):
    @extend_schema(
        tags=["travel"], responses={200: ImportStatusOutput, **problems(401, 404)}, summary="An import's progress"
    )
    def get(self, request, task_id):
        return Response(ImportStatusOutput(service.import_job_get(user=request.user, job_id=task_id)).data)
