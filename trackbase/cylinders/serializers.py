"""Cylinder output shapes: each renders its responses and documents them in the schema."""

from rest_framework import serializers

from trackbase.cylinders.models import Cylinder, CylinderEvent

CYLINDER_FIELDS = (
    "id",
    "serial_number",
    "qr_code",
    "status",
    "sent_to",
    "gas_type",
    "capacity",
    "tare_weight",
    "manufacture_date",
    "next_test_due",
    "trash_reason",
    "status_changed_at",
    "created_at",
    "updated_at",
)


class CylinderOutput(serializers.ModelSerializer):
    class Meta:
        model = Cylinder
        fields = CYLINDER_FIELDS


class CylinderEventOutput(serializers.ModelSerializer):
    by = serializers.CharField(source="by_username")

    class Meta:
        model = CylinderEvent
        fields = (
            "id",
            "action",
            "from_status",
            "to_status",
            "by",
            "at",
            "sent_to",
            "qr_code",
            "previous_qr_code",
            "reason",
            "note",
        )


class CreatedOutput(serializers.Serializer):
    created = CylinderOutput(many=True)


class ItemOutput(serializers.Serializer):
    """A scanned code that was skipped (scanned twice) or failed (unknown, or wrong status)."""

    qr_code = serializers.CharField()
    code = serializers.CharField(help_text="DUPLICATE_IN_REQUEST, UNKNOWN_QR_CODE or INVALID_TRANSITION.")
    message = serializers.CharField()


class UpdatedOutput(serializers.Serializer):
    id = serializers.IntegerField(source="cylinder.pk")
    serial_number = serializers.CharField(source="cylinder.serial_number")
    qr_code = serializers.CharField(source="cylinder.qr_code")
    from_status = serializers.CharField()
    status = serializers.CharField(source="cylinder.status")
    sent_to = serializers.CharField(source="cylinder.sent_to")


class ReprintedOutput(UpdatedOutput):
    old_qr_code = serializers.CharField(source="previous_qr_code")


class BatchOutput(serializers.Serializer):
    updated = UpdatedOutput(many=True)
    skipped = ItemOutput(many=True)
    failed = ItemOutput(many=True)


class ReprintBatchOutput(BatchOutput):
    updated = ReprintedOutput(many=True)
