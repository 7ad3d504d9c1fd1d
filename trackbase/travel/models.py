import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Country(models.Model):
    iso_code = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self):
        return f"{self.name} ({self.iso_code})"


class SchengenMembership(models.Model):
    """A period during which a state applied the Schengen acquis (both ends inclusive; open-ended if no end)."""

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="schengen_periods")
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["country", "joined_on"], name="travel_membership_once_per_start"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")), name="travel_membership_order"
            ),
        ]

    def __str__(self):
        return f"{self.country_id} {self.joined_on}..{self.left_on or ''}"


class VisaRule(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    region_countries = models.ManyToManyField(Country, blank=True, related_name="visa_rules")
    max_days = models.PositiveIntegerField()
    period_days = models.PositiveIntegerField()
    calculation_logic_ref = models.CharField(max_length=100)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


class Transport(models.TextChoices):
    FLIGHT = "Flight"
    TRAIN = "Train"
    CAR = "Car"
    BUS = "Bus"
    FERRY = "Ferry"
    OTHER = "Other"


class TravelSegment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="travel_segments")
    departure_country = models.ForeignKey(
        Country, to_field="iso_code", on_delete=models.PROTECT, related_name="+", db_column="departure_country"
    )
    arrival_country = models.ForeignKey(
        Country, to_field="iso_code", on_delete=models.PROTECT, related_name="+", db_column="arrival_country"
    )
    departure_date = models.DateField()
    arrival_date = models.DateField()
    departure_time = models.TimeField(null=True, blank=True)
    arrival_time = models.TimeField(null=True, blank=True)
    departure_timezone = models.CharField(max_length=64, blank=True)
    arrival_timezone = models.CharField(max_length=64, blank=True)
    mode_of_transport = models.CharField(max_length=10, choices=Transport.choices, default=Transport.OTHER)
    entry_point = models.CharField(max_length=100, blank=True)
    purpose = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
    transit = models.BooleanField(default=False)
    flight_number = models.CharField(max_length=10, blank=True)
    # The import's duplicate key (normalized date, airports, times, flight number); blank for manual segments.
    import_key = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(arrival_date__gte=F("departure_date")), name="travel_segment_arrives_after_departure"
            ),
            models.UniqueConstraint(
                fields=["user", "import_key"], condition=~Q(import_key=""), name="travel_segment_import_once"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "departure_date"], name="travel_seg_user_departure"),
            models.Index(fields=["user", "updated_at"], name="travel_seg_user_updated"),
        ]

    def __str__(self):
        return f"{self.departure_country_id}->{self.arrival_country_id} {self.departure_date}"

    @property
    def etag(self) -> str:
        return f'"{self.pk}-{self.version}"'


class SegmentTombstone(models.Model):
    """A deleted segment, kept so that `?updated_since=` tells other devices to drop their copy."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    segment_id = models.BigIntegerField()
    deleted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "deleted_at"], name="travel_tomb_user_deleted")]

    def __str__(self):
        return f"deleted segment {self.segment_id}"


class UserVisaStatus(models.Model):
    """The cached result of one rule for one user on one day; dropped on any change to their segments."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="visa_statuses")
    rule = models.ForeignKey(VisaRule, on_delete=models.CASCADE, related_name="+")
    days_used = models.IntegerField()
    window_start_date = models.DateField()
    window_end_date = models.DateField()
    result = models.JSONField(default=dict)
    last_calculated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "rule"], name="travel_status_once_per_rule")]

    def __str__(self):
        return f"{self.user_id} {self.rule_id}: {self.days_used}"


class SchengenAlert(models.Model):
    """A threshold notification sent; one per threshold per 180-day window (see alerts.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    threshold = models.CharField(max_length=10)
    window_start = models.DateField()
    days_used = models.IntegerField()
    sent_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "threshold", "window_start"], name="travel_alert_once_per_window")
        ]
        indexes = [models.Index(fields=["user", "threshold", "sent_on"], name="travel_alert_lookup")]

    def __str__(self):
        return f"{self.user_id} {self.threshold} {self.window_start}"


class ImportStatus(models.TextChoices):
    PENDING = "PENDING"
    STARTED = "STARTED"
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"


class ImportJob(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    content = models.TextField(blank=True)  # the decoded upload; emptied when the import ends
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"import {self.id} {self.status}"
