"""The admin reports' parameters, validated the same way for a live answer and for a stored export."""

from datetime import timedelta

from django.utils import timezone
from rest_framework import serializers

from trackbase.cylinders.models import ShipmentStatus

MAX_REPORT_DAYS = 366 * 3


class ShipmentFilter(serializers.Serializer):
    worker = serializers.RegexField(
        r"^[\w.@+-]{1,150}$", required=False, help_text="Sent or received by: a user id or a username."
    )
    sent_to = serializers.CharField(max_length=255, required=False)
    status = serializers.ChoiceField(choices=ShipmentStatus.choices, required=False)
    date_from = serializers.DateField(required=False, help_text="Sent on or after this day.")
    date_to = serializers.DateField(required=False, help_text="Sent on or before this day.")


class InventoryFilter(serializers.Serializer):
    out_days = serializers.IntegerField(min_value=0, max_value=3650, default=30, help_text="Out longer than N days.")
    test_due_days = serializers.IntegerField(min_value=0, max_value=3650, default=30, help_text="Tests due within.")


class ActivityFilter(serializers.Serializer):
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
