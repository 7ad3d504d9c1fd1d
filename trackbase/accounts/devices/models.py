"""Push devices: where a user's phones and browsers receive push notifications.

The model belongs to the accounts app (table `accounts_device`, its migrations): accounts/models.py imports
it so Django registers it there, while the device code stays in one package."""

import hashlib

from django.conf import settings
from django.db import models


class Platform(models.TextChoices):
    IOS = "ios", "iOS (APNs)"
    ANDROID = "android", "Android (FCM)"
    WEB = "web", "Web Push"


def token_digest(token: str) -> str:
    """The unique key of a token. Web Push endpoints run to several hundred characters, longer than
    MariaDB can index as utf8mb4; a fixed-size digest is unique on every database."""
    return hashlib.sha256(token.encode()).hexdigest()


class Device(models.Model):
    """One push target. A token belongs to whoever registered it last: a phone that changes hands (or
    accounts) must stop receiving the previous user's notifications."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="devices")
    platform = models.CharField(max_length=10, choices=Platform.choices)
    # APNs device token (hex), FCM registration token, or the Web Push subscription's endpoint URL.
    token = models.TextField()
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    # Web Push only: the subscription's `keys` ({"p256dh", "auth"}), needed to encrypt each message.
    web_push_keys = models.JSONField(null=True, blank=True)
    name = models.CharField(max_length=100, blank=True)
    # Cleared when the push provider says the token is dead; registering the token again revives it.
    is_active = models.BooleanField(default=True)
    deactivated_reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "accounts"
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["user", "is_active"], name="device_user_active_idx")]

    def __str__(self) -> str:
        return f"{self.platform} device of user {self.user_id}"

    @property
    def web_push_subscription(self) -> dict:
        """The subscription in the browser's own JSON shape, as Web Push libraries take it."""
        return {"endpoint": self.token, "keys": dict(self.web_push_keys or {})}
