"""Output shapes of the travel API (each renders a response and documents it)."""

import re
from datetime import date
from functools import cached_property

import pycountry
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trackbase.travel.models import Transport

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)
# YYYY-MM-DD from 1900 to 2199, the only spelling accepted (Python also reads 20000101 and 2000-1-1).
TRAVEL_DATE = re.compile(r"^(19\d\d|2[01]\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
OUT_OF_RANGE = f"Must be a day from {FIRST_DAY} to {LAST_DAY}, as YYYY-MM-DD."
# The countries loaded by the reference data (pycountry's ISO 3166-1), upper case as stored.
COUNTRY_CODES = sorted(entry.alpha_2 for entry in pycountry.countries)


@extend_schema_field({"type": "string", "format": "date", "pattern": TRAVEL_DATE.pattern})
class TravelDateField(serializers.DateField):
    """A day between 1900 and 2199: the window arithmetic never leaves the calendar."""

    def to_internal_value(self, value):
        if not isinstance(value, str) or not TRAVEL_DATE.fullmatch(value):
            raise serializers.ValidationError(OUT_OF_RANGE)
        return super().to_internal_value(value)


# A local wall-clock time (the time zone is a separate field): HH:MM[:SS[.ffffff]], no offset.
LOCAL_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$")
NOT_A_LOCAL_TIME = "Must be a local time HH:MM[:SS[.ffffff]], without an offset."


@extend_schema_field({"type": "string", "pattern": LOCAL_TIME.pattern, "example": "08:30:00"})
class LocalTimeField(serializers.TimeField):
    """A time of day as read on the local clock; an offset (`Z`, `+02:00`) would be silently dropped."""

    def to_internal_value(self, value):
        if not isinstance(value, str) or not LOCAL_TIME.fullmatch(value):
            raise serializers.ValidationError(NOT_A_LOCAL_TIME)
        return super().to_internal_value(value)


def travel_date(**kwargs) -> TravelDateField:
    return TravelDateField(**kwargs)


def country_code(**kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=COUNTRY_CODES, help_text="ISO 3166-1 alpha-2 code in upper case, e.g. DE.", **kwargs
    )


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
    departure_time = LocalTimeField(allow_null=True)
    arrival_time = LocalTimeField(allow_null=True)
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

    @cached_property
    def _segment(self) -> SegmentOutput:
        # One SegmentOutput renders every segment of the page: building one per row costs more than its fields.
        return SegmentOutput(context=self.context)

    def to_representation(self, instance):
        if hasattr(instance, "segment_id"):
            when = self.fields["updated_at"].to_representation(instance.deleted_at)
            return {"id": instance.segment_id, "deleted": True, "updated_at": when}
        return self._segment.to_representation(instance)


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
