"""Seed 004's cylinder writes: add (admin) and the bulk scan actions, each one service call."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from trackbase.accounts.permissions import IsWorkerOrAdmin
from trackbase.core.idempotency import idempotent
from trackbase.core.inputs import validated
from trackbase.core.schema import problems
from trackbase.cylinders import codes, services
from trackbase.cylinders.lifecycle import Action
from trackbase.cylinders.serializers import BatchOutput, CreatedOutput, ReprintBatchOutput

TAGS = ["cylinders"]
PLACE_ALIASES = ("sent_to", "customer", "station")


class CylinderSpecInput(serializers.Serializer):
    serial_number = serializers.RegexField(
        r"^\s*[A-Za-z0-9][A-Za-z0-9./-]{0,39}\s*$",
        required=False,
        help_text="Letters, digits, dot, slash, dash (stored upper-case); generated when absent.",
    )
    gas_type = serializers.CharField(max_length=32)
    capacity = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0, required=False, allow_null=True)
    tare_weight = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0, required=False, allow_null=True)
    manufacture_date = serializers.DateField(required=False, allow_null=True)
    next_test_due = serializers.DateField(required=False, allow_null=True)


class CylinderAddApi(APIView):
    permission_classes = [IsWorkerOrAdmin]

    class InputSerializer(serializers.Serializer):
        cylinders = CylinderSpecInput(many=True, min_length=1, max_length=services.MAX_BATCH)
        note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)

    @extend_schema(
        request=InputSerializer,
        responses={201: CreatedOutput, **problems(400, 401, 403, 409, 422)},
        summary="Register cylinders (admin); each gets a QR payload (Idempotency-Key honoured)",
        tags=TAGS,
    )
    @idempotent
    def post(self, request):
        data = validated(self.InputSerializer, request.data)
        created = services.cylinders_add(actor=request.user, cylinders=data["cylinders"], note=data["note"])
        return Response(CreatedOutput({"created": created}).data, status=status.HTTP_201_CREATED)


class ScanInput(serializers.Serializer):
    qr_codes = serializers.ListField(
        child=serializers.CharField(max_length=codes.QR_MAX_LENGTH), min_length=1, max_length=services.MAX_BATCH
    )
    sent_to = serializers.CharField(max_length=255, required=False, allow_blank=True)
    customer = serializers.CharField(max_length=255, required=False, allow_blank=True, help_text="Alias of sent_to.")
    station = serializers.CharField(max_length=255, required=False, allow_blank=True, help_text="Alias of sent_to.")
    reason = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    partial = serializers.BooleanField(
        required=False, default=False, help_text="Apply the valid items and report the rest, instead of all-or-nothing."
    )

    def validate(self, data):
        places = {data.pop(name).strip() for name in PLACE_ALIASES if name in data} - {""}
        if len(places) > 1:
            raise serializers.ValidationError(
                {"sent_to": ["sent_to, customer and station name one place; they differ."]}
            )
        data["sent_to"] = places.pop() if places else ""
        return data


class CylinderActionApi(APIView):
    """One bulk lifecycle action; each subclass names it and documents it."""

    permission_classes = [IsWorkerOrAdmin]
    action: str = ""
    output = BatchOutput

    def scan(self, request) -> Response:
        data = validated(ScanInput, request.data)
        result = services.cylinders_transition(actor=request.user, action=self.action, **data)
        return Response(self.output(result).data)


def scan_schema(summary: str, output=BatchOutput):
    return extend_schema(
        request=ScanInput,
        responses={200: output, **problems(400, 401, 403, 409, 422)},
        summary=summary,
        description="All-or-nothing unless `partial`: any unknown code or invalid status answers 409 "
        "(INVALID_TRANSITION or UNKNOWN_QR_CODE) with `errors.qr_codes`, one result per code, and changes "
        "nothing. A code scanned twice is skipped. Idempotency-Key honoured.",
        tags=TAGS,
    )


class CylinderShipApi(CylinderActionApi):
    action = Action.SHIP

    @scan_schema("Ship AVAILABLE cylinders to a customer (sent_to, or customer)")
    @idempotent
    def post(self, request):
        return self.scan(request)


class CylinderReturnApi(CylinderActionApi):
    action = Action.RETURN

    @scan_schema("Mark SENT cylinders returned")
    @idempotent
    def post(self, request):
        return self.scan(request)


class CylinderRefillSendApi(CylinderActionApi):
    action = Action.REFILL_SEND

    @scan_schema("Send RETURNED cylinders to a refill station (sent_to, or station)")
    @idempotent
    def post(self, request):
        return self.scan(request)


class CylinderRefillReceiveApi(CylinderActionApi):
    action = Action.REFILL_RECEIVE

    @scan_schema("Receive refilled cylinders back as AVAILABLE")
    @idempotent
    def post(self, request):
        return self.scan(request)


class CylinderTrashApi(CylinderActionApi):
    action = Action.TRASH

    @scan_schema("Take cylinders out of service for good (admin; reason required)")
    @idempotent
    def post(self, request):
        return self.scan(request)


class CylinderReprintApi(CylinderActionApi):
    action = Action.REPRINT
    output = ReprintBatchOutput

    @scan_schema("Issue new QR codes; the old ones stop resolving (admin)", ReprintBatchOutput)
    @idempotent
    def post(self, request):
        return self.scan(request)
