"""Seed 004's cylinder writes: add (admin) and the bulk scan actions, each one service call."""

from decimal import Decimal

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
# Patterns the schema shows for what DRF's CharField refuses: NUL anywhere, and (where blank is not allowed)
# nothing but whitespace, which it trims to blank.
NO_NUL = r"^[^\x00]*$"
SOME_TEXT = r"^[^\x00]*[^\x00\s][^\x00]*$"


def text(pattern: str = NO_NUL, **kwargs) -> serializers.RegexField:
    return serializers.RegexField(pattern, **kwargs)


class DecimalString(serializers.RegexField):
    """A non-negative decimal sent as a JSON string ("50.5"), the way responses render it ("50.50"): no float
    rounding on the way in, and what a client reads it can send back."""

    def __init__(self, **kwargs):
        super().__init__(r"^[0-9]{1,6}(\.[0-9]{1,2})?$", trim_whitespace=False, **kwargs)

    def to_internal_value(self, data):
        return Decimal(super().to_internal_value(data))


class CylinderSpecInput(serializers.Serializer):
    serial_number = serializers.RegexField(
        r"^\s*[A-Za-z0-9][A-Za-z0-9./-]{0,39}\s*$",
        required=False,
        help_text="Letters, digits, dot, slash, dash (stored upper-case); generated when absent.",
    )
    gas_type = text(SOME_TEXT, max_length=32)
    capacity = DecimalString(
        required=False, allow_null=True, help_text="Litres, as a string: up to 6 digits and 2 decimals."
    )
    tare_weight = DecimalString(
        required=False, allow_null=True, help_text="Kilograms, as a string: up to 6 digits and 2 decimals."
    )
    manufacture_date = serializers.DateField(required=False, allow_null=True)
    next_test_due = serializers.DateField(required=False, allow_null=True)


class CylinderAddApi(APIView):
    permission_classes = [IsWorkerOrAdmin]

    class InputSerializer(serializers.Serializer):
        cylinders = serializers.ListField(child=CylinderSpecInput(), min_length=1, max_length=services.MAX_BATCH)
        note = text(max_length=500, required=False, default="", allow_blank=True)

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
    """What every bulk action reads: the scanned codes, a note, and all-or-nothing or partial."""

    qr_codes = serializers.ListField(
        # Any scanned text: a blank or unknown one is that item's UNKNOWN_QR_CODE (409, or `failed` if partial).
        child=text(max_length=codes.QR_MAX_LENGTH, allow_blank=True, trim_whitespace=False),
        min_length=1,
        max_length=services.MAX_BATCH,
    )
    note = text(max_length=500, required=False, default="", allow_blank=True)
    partial = serializers.BooleanField(
        required=False, default=False, help_text="Apply the valid items and report the rest, instead of all-or-nothing."
    )


class PlaceScanInput(ScanInput):
    """Ship and refill/send: where the cylinders go, under one of three names (one is required; they must agree)."""

    sent_to = text(max_length=255, required=False, allow_blank=True)
    customer = text(max_length=255, required=False, allow_blank=True, help_text="Alias of sent_to.")
    station = text(max_length=255, required=False, allow_blank=True, help_text="Alias of sent_to.")

    def validate(self, data):
        places = {data.pop(name).strip() for name in PLACE_ALIASES if name in data} - {""}
        if len(places) > 1:
            raise serializers.ValidationError(
                {"sent_to": ["sent_to, customer and station name one place; they differ."]}
            )
        data["sent_to"] = places.pop() if places else ""
        return data


class TrashScanInput(ScanInput):
    reason = text(SOME_TEXT, max_length=255, help_text="Why the cylinders leave service (required).")


class CylinderActionApi(APIView):
    """One bulk lifecycle action; each subclass names it and documents it."""

    permission_classes = [IsWorkerOrAdmin]
    action: str = ""
    output = BatchOutput
    input = ScanInput

    def scan(self, request) -> Response:
        data = validated(self.input, request.data)
        result = services.cylinders_transition(actor=request.user, action=self.action, **data)
        return Response(self.output(result).data)


def scan_schema(summary: str, output=BatchOutput, request=ScanInput):
    return extend_schema(
        request=request,
        responses={200: output, **problems(400, 401, 403, 409, 422)},
        summary=summary,
        description="All-or-nothing unless `partial`: any unknown code or invalid status answers 409 "
        "(INVALID_TRANSITION or UNKNOWN_QR_CODE) with `errors.qr_codes`, one result per code, and changes "
        "nothing. A code scanned twice is skipped. Idempotency-Key honoured.",
        tags=TAGS,
    )


class CylinderShipApi(CylinderActionApi):
    action = Action.SHIP
    input = PlaceScanInput

    @scan_schema("Ship AVAILABLE cylinders to a customer (sent_to, or customer)", request=PlaceScanInput)
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
    input = PlaceScanInput

    @scan_schema("Send RETURNED cylinders to a refill station (sent_to, or station)", request=PlaceScanInput)
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
    input = TrashScanInput

    @scan_schema("Take cylinders out of service for good (admin; reason required)", request=TrashScanInput)
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
