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
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Names the event behind the notification, so one event never notifies a user twice; NULL: no dedupe.
    dedupe_key = models.CharField(max_length=191, null=True, blank=True)  # noqa: DJ001  (NULLs never collide)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "dedupe_key"], name="notification_once_per_event")]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_inbox_idx"),
            models.Index(fields=["user", "is_read"], name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type}: {self.title}"
