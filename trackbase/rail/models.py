from django.conf import settings
from django.db import models
from django.db.models import F, Q

from trackbase.rail.status_codes import BookingStatus, TrainEventType, TrainStatus

__all__ = ["Booking", "BookingStatus", "Favorite", "Train", "TrainEvent", "TrainEventType", "TrainStatus"]


class Train(models.Model):
    train_number = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)
    source = models.CharField(max_length=64)
    destination = models.CharField(max_length=64)
    # Upper-cased copies the search matches on (DEL = del), indexed without functional indexes,
    # which MariaDB lacks.
    source_key = models.CharField(max_length=64, editable=False)
    destination_key = models.CharField(max_length=64, editable=False)
    departure_time = models.DateTimeField()
    arrival_time = models.DateTimeField()
    total_seats = models.PositiveIntegerField()
    available_seats = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=TrainStatus.choices, default=TrainStatus.SCHEDULED)
    delay_minutes = models.PositiveIntegerField(default=0)
    platform = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["departure_time", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(available_seats__gte=0), name="train_available_not_negative"),
            models.CheckConstraint(
                condition=Q(available_seats__lte=F("total_seats")), name="train_available_within_total"
            ),
            models.CheckConstraint(
                condition=Q(arrival_time__gt=F("departure_time")), name="train_arrives_after_departure"
            ),
            models.CheckConstraint(condition=~Q(source_key=F("destination_key")), name="train_source_not_destination"),
        ]
        indexes = [
            models.Index(fields=["source_key", "destination_key", "departure_time", "id"], name="train_route_idx")
        ]

    def __str__(self) -> str:
        return f"{self.train_number} {self.name}"


class TrainEvent(models.Model):
    """Append-only history of a train's status changes; each one notifies the train's followers once."""

    # PROTECT: an event's notification task may still be queued, and its followers were told about it.
    train = models.ForeignKey(Train, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=20, choices=TrainEventType.choices)
    delay_minutes = models.PositiveIntegerField(null=True, blank=True)
    platform = models.CharField(max_length=10, blank=True)
    message = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.train_id} {self.type}"


class Booking(models.Model):
    pnr = models.CharField(max_length=10, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings")
    train = models.ForeignKey(Train, on_delete=models.PROTECT, related_name="bookings")
    seats = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=BookingStatus.choices, default=BookingStatus.CONFIRMED)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(seats__gte=1), name="booking_at_least_one_seat")]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="booking_user_idx"),
            models.Index(fields=["train", "status"], name="booking_train_status_idx"),
        ]

    def __str__(self) -> str:
        return self.pnr


class Favorite(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favorite_trains")
    train = models.ForeignKey(Train, on_delete=models.CASCADE, related_name="favorites")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "train"], name="favorite_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.train_id}"
