"""Output shapes of the admin reports (render and document them)."""

from rest_framework import serializers

from trackbase.cylinders.lifecycle import Status


def _status_counts(name: str) -> serializers.Serializer:
    fields = {status: serializers.IntegerField() for status in Status.ALL}
    return type(name, (serializers.Serializer,), fields)()


class ShipmentRowOutput(serializers.Serializer):
    id = serializers.IntegerField()
    cylinder_id = serializers.IntegerField()
    serial_number = serializers.CharField(source="cylinder.serial_number")
    status = serializers.CharField()
    sent_to = serializers.CharField()
    sent_by = serializers.SerializerMethodField()
    received_by = serializers.SerializerMethodField()
    sent_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField(allow_null=True)
    days_out = serializers.SerializerMethodField()

    def get_sent_by(self, shipment) -> str | None:
        return shipment.sent_by_username or None

    def get_received_by(self, shipment) -> str | None:
        """None until the shipment is returned."""
        return shipment.received_by_username or None

    def get_days_out(self, shipment) -> float | None:
        seconds = shipment.duration_seconds
        return None if seconds is None else round(seconds / 86400, 2)


class PlaceCount(serializers.Serializer):
    sent_to = serializers.CharField()
    key = serializers.CharField(help_text="The grouping form of sent_to (case- and space-blind).")
    count = serializers.IntegerField()


class GasTypeCount(serializers.Serializer):
    gas_type = serializers.CharField()
    count = serializers.IntegerField()
    by_status = _status_counts("GasTypeStatusCounts")


class OutCylinder(serializers.Serializer):
    id = serializers.IntegerField()
    serial_number = serializers.CharField()
    status = serializers.CharField()
    sent_to = serializers.CharField()
    since = serializers.DateTimeField()
    days_out = serializers.IntegerField()


class OutLongerThan(serializers.Serializer):
    days = serializers.IntegerField()
    count = serializers.IntegerField()
    cylinders = OutCylinder(many=True, help_text="The longest out first, at most 100.")


class TestsDue(serializers.Serializer):
    within_days = serializers.IntegerField()
    overdue = serializers.IntegerField()
    due_soon = serializers.IntegerField()


class InventoryOutput(serializers.Serializer):
    total = serializers.IntegerField()
    by_status = _status_counts("InventoryStatusCounts")
    by_customer = PlaceCount(many=True, help_text="SENT cylinders per customer.")
    by_station = PlaceCount(many=True, help_text="IN_REFILL cylinders per refill station.")
    by_gas_type = GasTypeCount(many=True)
    out_longer_than = OutLongerThan()
    tests_due = TestsDue()


class ActivityRow(serializers.Serializer):
    period = serializers.DateField(help_text="The day, or the Monday of the week.")
    added = serializers.IntegerField()
    shipments = serializers.IntegerField()
    returns = serializers.IntegerField()
    refills_sent = serializers.IntegerField()
    refills_received = serializers.IntegerField()
    trashed = serializers.IntegerField()
    reprinted = serializers.IntegerField()


class StationTurnaround(serializers.Serializer):
    station = serializers.CharField()
    count = serializers.IntegerField()
    average_hours = serializers.FloatField()


class Turnaround(serializers.Serializer):
    count = serializers.IntegerField()
    average_hours = serializers.FloatField(allow_null=True)
    min_hours = serializers.FloatField(allow_null=True)
    max_hours = serializers.FloatField(allow_null=True)
    by_station = StationTurnaround(many=True)


class CustomerDays(serializers.Serializer):
    sent_to = serializers.CharField()
    count = serializers.IntegerField()
    average_days = serializers.FloatField()


class DaysAtCustomer(serializers.Serializer):
    count = serializers.IntegerField()
    average_days = serializers.FloatField(allow_null=True)
    by_customer = CustomerDays(many=True)


class WorkerActivity(ActivityRow):
    period = None
    user_id = serializers.IntegerField(allow_null=True)
    username = serializers.CharField()
    total = serializers.IntegerField()


class ReasonCount(serializers.Serializer):
    reason = serializers.CharField()
    count = serializers.IntegerField()


class ActivityOutput(serializers.Serializer):
    period = serializers.ChoiceField(choices=["day", "week"])
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    series = ActivityRow(many=True, help_text="Periods with activity, oldest first.")
    refill_turnaround = Turnaround(help_text="Refills received in the range.")
    days_at_customer = DaysAtCustomer(help_text="Shipments returned in the range.")
    workers = WorkerActivity(many=True)
    trashed_by_reason = ReasonCount(many=True)
