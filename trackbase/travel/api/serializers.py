"""Output shapes of the travel API (each renders a response and documents it)."""

from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator
from rest_framework import serializers

from trackbase.travel.models import Transport

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)


def travel_date(**kwargs) -> serializers.DateField:
    """A day between 1900 and 2199: the window arithmetic never leaves the calendar."""
    validators = [MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)]
    return serializers.DateField(validators=validators, **kwargs)


def country_code(**kwargs) -> serializers.RegexField:
    return serializers.RegexField(r"^[A-Za-z]{2}$", help_text="ISO 3166-1 alpha-2 code, e.g. DE.", **kwargs)


class CountryOutput(serializers.Serializer):
    name = serializers.CharField()
    iso_code = serializers.CharField()
    is_schengen = serializers.BooleanField()


class SegmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    departure_country = serializers.CharField(source="departure_country_id")
    arrival_country = serializers.CharField(source="arrival_country_id")
    departure_date = serializers.DateField()
    arrival_date = serializers.DateField()
    departure_time = serializers.TimeField(allow_null=True)
    arrival_time = serializers.TimeField(allow_null=True)
    departure_timezone = serializers.CharField()
    arrival_timezone = serializers.CharField()
    mode_of_transport = serializers.ChoiceField(choices=Transport.choices)
    entry_point = serializers.CharField()
    purpose = serializers.CharField()
    notes = serializers.CharField()
    transit = serializers.BooleanField()
    flight_number = serializers.CharField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class SyncItemOutput(serializers.Serializer):
    """A changed segment (every SegmentOutput field) or a tombstone `{id, deleted: true, updated_at}`."""

    id = serializers.IntegerField()
    deleted = serializers.BooleanField(required=False)
    updated_at = serializers.DateTimeField()

    def to_representation(self, instance):
        if hasattr(instance, "segment_id"):
            when = self.fields["updated_at"].to_representation(instance.deleted_at)
            return {"id": instance.segment_id, "deleted": True, "updated_at": when}
        return SegmentOutput(instance).data


class SchengenStatusOutput(serializers.Serializer):
    days_used = serializers.IntegerField()
    days_remaining = serializers.IntegerField()
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    compliant = serializers.BooleanField()
    overstay_days = serializers.IntegerField()
    latest_exit_date = serializers.DateField(allow_null=True)
    earliest_reentry_date = serializers.DateField()
    last_calculated_at = serializers.DateTimeField()


class PlanOutput(serializers.Serializer):
    allowed = serializers.BooleanField()
    max_stay_days = serializers.IntegerField()
    latest_exit_date = serializers.DateField(allow_null=True)
    first_violation_date = serializers.DateField(allow_null=True)


class CountryDaysOutput(serializers.Serializer):
    iso_code = serializers.CharField()
    name = serializers.CharField()
    days = serializers.IntegerField()


# "from" is a Python keyword, hence the functional form.
CountryDaysReportOutput = type(
    "CountryDaysReportOutput",
    (serializers.Serializer,),
    {"from": serializers.DateField(), "to": serializers.DateField(), "countries": CountryDaysOutput(many=True)},
)


class LedgerDayOutput(serializers.Serializer):
    date = serializers.DateField()
    countries = serializers.ListField(child=serializers.CharField())
    schengen = serializers.BooleanField()


class LedgerOutput(serializers.Serializer):
    days = LedgerDayOutput(many=True)


class RuleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    max_days = serializers.IntegerField()
    period_days = serializers.IntegerField()
    calculation_logic_ref = serializers.CharField()
    region_countries = serializers.SerializerMethodField()

    def get_region_countries(self, rule) -> list[str]:
        return sorted(country.iso_code for country in rule.region_countries.all())


class RuleStatusOutput(serializers.Serializer):
    rule = serializers.CharField()
    calculation_logic_ref = serializers.CharField()
    days_used = serializers.IntegerField()
    max_days = serializers.IntegerField()
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    details = serializers.DictField()
    last_calculated_at = serializers.DateTimeField()


class AlertSettingsSerializer(serializers.Serializer):
    schengen_thresholds = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=90),
        max_length=10,
        help_text="Schengen days used that trigger an alert (default 80, 85, 90); an overstay always does.",
    )
