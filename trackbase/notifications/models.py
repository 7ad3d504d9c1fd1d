from django.conf import settings
from django.db import models


class Notification(models.Model):
    """One entry of a user's inbox. Immutable but for read state; any domain app can write one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    type = models.CharField(max_length=50)
    title = models.CharField(max_length=255)
    message = models.TextField()
    data = models.JSONField(default=dict, blank=True)
    is_read = models.BooleanField(default=False)
    # False when the user turned the in-app channel off for this type: the row still dedupes the event
    # and carries the realtime and push deliveries, but the inbox and unread count never show it.
    in_inbox = models.BooleanField(default=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Names the event behind the notification, so one event never notifies a user twice; NULL: no dedupe.
    dedupe_key = models.CharField(max_length=191, null=True, blank=True)  # noqa: DJ001  (NULLs never collide)
    # Set by the one delivery that claims the notification (realtime emit, push outbox), so two senders
    # racing on the same event never deliver it twice.
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "dedupe_key"], name="notification_once_per_event")]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_inbox_idx"),
            models.Index(fields=["user", "is_read"], name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type}: {self.title}"


class PushStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"  # waiting for its next attempt (next_attempt_at)
    SENDING = "SENDING", "Sending"  # claimed by one worker
    SENT = "SENT", "Sent"  # the provider accepted it
    FAILED = "FAILED", "Failed"  # rejected for good, or out of attempts
    SKIPPED = "SKIPPED", "Skipped"  # never sent: the platform is not configured, or the device changed hands
    DROPPED = "DROPPED", "Dropped"  # the provider said the token is dead; the device was deactivated


class PushMessage(models.Model):
    """The push outbox: one notification to one device, with its delivery state and retry schedule."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="push_messages")
    device = models.ForeignKey("accounts.Device", on_delete=models.CASCADE, related_name="push_messages")
    status = models.CharField(max_length=10, choices=PushStatus.choices, default=PushStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["notification", "device"], name="push_once_per_device")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="push_outbox_due_idx")]

    def __str__(self) -> str:
        return f"push {self.pk} ({self.status})"
