from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class TimestampedModel(models.Model):
    """Base for domain records: creation and update times, kept by the database layer."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class IdempotencyKey(models.Model):
    """One `Idempotency-Key` a user sent: claimed while its request runs, then the response to replay."""

    class State(models.TextChoices):
        IN_FLIGHT = "IN_FLIGHT", "In flight"
        DONE = "DONE", "Done"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.TextField()
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.IN_FLIGHT)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_content_type = models.CharField(max_length=100, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # The claim itself: a second INSERT of the same (user, key) fails in the database.
            models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_key_unique_per_user"),
            models.CheckConstraint(
                condition=Q(state="IN_FLIGHT", response_status__isnull=True)
                | Q(state="DONE", response_status__isnull=False),
                name="core_idempotency_key_done_has_status",
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="core_idemkey_created_idx")]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"


class PeriodicJobRun(models.Model):
    """One tick of a periodic job (config/schedule.py), claimed by the scheduler process that enqueued it."""

    name = models.CharField(max_length=100)
    tick = models.DateTimeField()
    claimed_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=100, blank=True, help_text="host:pid of the scheduler")
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            # The claim itself: of several schedulers racing for one tick, only one INSERT succeeds.
            models.UniqueConstraint(fields=["name", "tick"], name="core_periodic_job_run_once_per_tick"),
        ]
        ordering = ["-tick", "name"]

    def __str__(self) -> str:
        return f"{self.name} @ {self.tick.isoformat()}"
