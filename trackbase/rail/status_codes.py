"""Rail's status codes, in one place: what the models store and what the pure rules reason about.

Kept apart from models.py so that `rules.py` can use the same enums without importing the model layer.
"""

from django.db import models


class TrainStatus(models.TextChoices):
    SCHEDULED = "SCHEDULED", "Scheduled"
    ON_TIME = "ON_TIME", "On time"
    DELAYED = "DELAYED", "Delayed"
    CANCELLED = "CANCELLED", "Cancelled"


class TrainEventType(models.TextChoices):
    DELAY = "DELAY", "Delay"
    PLATFORM_CHANGE = "PLATFORM_CHANGE", "Platform change"
    CANCELLED = "CANCELLED", "Cancelled"
    ON_TIME = "ON_TIME", "On time"


class BookingStatus(models.TextChoices):
    CONFIRMED = "CONFIRMED", "Confirmed"
    CANCELLED = "CANCELLED", "Cancelled"
