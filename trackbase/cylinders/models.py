"""Cylinders, their append-only history, and the seed's Shipments and Refills tables.

Only `services` writes these. Shipment and Refill rows are kept in the same transaction as the
history row of the transition that opens or closes them; they are the seed's views of that history,
shaped for the reports (who shipped, who received, how long a cylinder stayed out)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from trackbase.cylinders.lifecycle import Action, Status

STATUS_CHOICES = [(s, s.replace("_", " ").title()) for s in Status.ALL]
ACTION_CHOICES = [(a, a) for a in Action.ALL]


class Cylinder(models.Model):
    serial_number = models.CharField(max_length=40, unique=True)
    qr_code = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=Status.AVAILABLE)
    # Where it is while SENT or IN_REFILL, as typed; `sent_to_key` is the form reports group by.
    sent_to = models.CharField(max_length=255, blank=True)
    sent_to_key = models.CharField(max_length=255, blank=True, editable=False)
    gas_type = models.CharField(max_length=32)
    capacity = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True, help_text="litres")
    tare_weight = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True, help_text="kg")
    manufacture_date = models.DateField(null=True, blank=True)
    next_test_due = models.DateField(null=True, blank=True)
    trash_reason = models.CharField(max_length=255, blank=True)
    # When the status last changed: "out longer than N days" is a range scan on (status, this).
    status_changed_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.ALL), name="cylinder_status_known"),
            models.CheckConstraint(
                condition=Q(status__in=Status.AWAY) | Q(sent_to=""), name="cylinder_sent_to_only_when_away"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "status_changed_at"], name="cyl_status_since_idx"),
            models.Index(fields=["status", "sent_to_key"], name="cyl_status_place_idx"),
            models.Index(fields=["gas_type", "status"], name="cyl_gas_status_idx"),
            models.Index(fields=["next_test_due"], name="cyl_test_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.serial_number} ({self.status})"


class CylinderEvent(models.Model):
    """One change of one cylinder, written in the transaction that made it. Never updated or deleted."""

    cylinder = models.ForeignKey(Cylinder, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=16, choices=ACTION_CHOICES)
    from_status = models.CharField(max_length=10, choices=STATUS_CHOICES, blank=True)  # "" for add
    to_status = models.CharField(max_length=10, choices=STATUS_CHOICES)
    # The account may be deleted one day; the history keeps who it was.
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    by_username = models.CharField(max_length=150)
    at = models.DateTimeField()
    sent_to = models.CharField(max_length=255, blank=True)
    sent_to_key = models.CharField(max_length=255, blank=True)
    qr_code = models.CharField(max_length=64)  # the payload in force after this event
    previous_qr_code = models.CharField(max_length=64, blank=True)  # reprint: the payload it replaced
    reason = models.CharField(max_length=255, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["cylinder", "id"], name="cyl_event_history_idx"),
            models.Index(fields=["at"], name="cyl_event_at_idx"),  # the reports' date ranges
            models.Index(fields=["action", "at"], name="cyl_event_action_at_idx"),
            models.Index(fields=["by", "at"], name="cyl_event_by_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.cylinder_id}: {self.action} {self.from_status or '-'} -> {self.to_status}"


class CylinderActivityDay(models.Model):
    """History rows counted per day (in TIME_ZONE), action and actor: what the activity report's series and
    per-worker columns read, so a year's report sums days x actions x actors rows, not a year of history.

    Kept in the transaction that writes the history rows it counts (`activity.activity_count`); rebuilt
    from the history by `activity.activity_rebuild` (the migration that added it, data loaded around the
    services). The actor's username is part of the key for the same reason it is on the history row."""

    day = models.DateField()
    action = models.CharField(max_length=16, choices=ACTION_CHOICES)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    by_username = models.CharField(max_length=150)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            # The upsert's conflict target, and the reports' range scan on `day`.
            models.UniqueConstraint(fields=["day", "action", "by", "by_username"], name="cyl_activity_day_key"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.action} by {self.by_username}: {self.count}"


class ShipmentStatus(models.TextChoices):
    SHIPPED = "SHIPPED", "Shipped"
    RETURNED = "RETURNED", "Returned"
    TRASHED = "TRASHED", "Trashed while out"


class RefillStatus(models.TextChoices):
    IN_REFILL = "IN_REFILL", "In refill"
    RECEIVED = "RECEIVED", "Received"
    TRASHED = "TRASHED", "Trashed while out"


class _Trip(models.Model):
    """A cylinder's stay away from the depot: opened by one transition, closed by another.

    `open_cylinder_id` is the cylinder's id while the trip is open and NULL after: a plain unique
    column (NULLs never collide) gives "at most one open trip per cylinder" on every database,
    where a conditional unique index would be ignored by MariaDB."""

    cylinder = models.ForeignKey(Cylinder, on_delete=models.PROTECT, related_name="+")
    open_cylinder_id = models.BigIntegerField(null=True, unique=True, editable=False)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # As on the history rows: the account may be deleted one day; the shipments report keeps who it was.
    sent_by_username = models.CharField(max_length=150, blank=True)
    received_by_username = models.CharField(max_length=150, blank=True)
    sent_at = models.DateTimeField()
    received_at = models.DateTimeField(null=True, blank=True)
    # Seconds between sent_at and received_at, stored so averages are a plain AVG on every database.
    duration_seconds = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        abstract = True


class Shipment(_Trip):
    """Seed 004's Shipments table: a cylinder sent to a customer, and its return."""

    sent_to = models.CharField(max_length=255)
    sent_to_key = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=ShipmentStatus.choices, default=ShipmentStatus.SHIPPED)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["sent_at", "id"], name="cyl_shipment_sent_idx"),
            # The shipments list by status, newest first, and its total (index-only).
            models.Index(fields=["status", "sent_at", "id"], name="cyl_shipment_status_idx"),
            models.Index(fields=["sent_to_key", "sent_at"], name="cyl_shipment_place_idx"),
            # Covers the activity report's days at a customer: an index-only range scan, no table reads.
            models.Index(
                fields=["received_at", "sent_to_key", "sent_to", "duration_seconds"], name="cyl_shipment_back_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cylinder_id} -> {self.sent_to} ({self.status})"


class Refill(_Trip):
    """Seed 004's Refills: a cylinder sent to a refill station and received back (turnaround)."""

    station = models.CharField(max_length=255)
    station_key = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=RefillStatus.choices, default=RefillStatus.IN_REFILL)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["sent_at"], name="cyl_refill_sent_idx"),
            # Covers the activity report's refill turnaround (as cyl_shipment_back_idx does days at a customer).
            models.Index(
                fields=["received_at", "station_key", "station", "duration_seconds"], name="cyl_refill_back_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cylinder_id} -> {self.station} ({self.status})"


class ExportStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    DONE = "DONE", "Done"
    FAILED = "FAILED", "Failed"


class ReportExport(models.Model):
    """A report written to file storage as CSV by a background task, for reports too large to wait for."""

    report = models.CharField(max_length=16)
    params = models.JSONField(default=dict)  # validated parameters, dates as ISO strings
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    file = models.CharField(max_length=255, blank=True)  # the storage name
    rows = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.report} export {self.pk} ({self.status})"
