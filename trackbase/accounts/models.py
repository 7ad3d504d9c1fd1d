from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models


def default_privacy_settings() -> dict:
    return {"profile": "friends", "scores": "group"}


class Role(models.TextChoices):
    USER = "USER", "User"
    WORKER = "WORKER", "Worker"
    ADMIN = "ADMIN", "Admin"


class UserManager(DjangoUserManager):
    @classmethod
    def normalize_email(cls, email):
        # Django turns a missing email into "", which the unique constraint counts as a value: only one
        # account could ever be without an email. NULL is never equal to NULL, so any number can.
        return super().normalize_email(email) or None

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email or None, password, **extra_fields)


class User(AbstractUser):
    """One account for every tracker: role decides what it may do, not which app it belongs to."""

    email = models.EmailField(unique=True, null=True, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.USER, db_index=True)
    apple_user_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    timezone = models.CharField(max_length=64, default="UTC")
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    notification_preferences = models.JSONField(default=dict, blank=True)
    privacy_settings = models.JSONField(default=default_privacy_settings, blank=True)
    email_verified = models.BooleanField(default=False)
    # HuCares' 4-digit PIN, hashed like a password; blank: no PIN set.
    pin_hash = models.CharField(max_length=255, blank=True, default="")
    last_login_at = models.DateTimeField(null=True, blank=True)
    last_active_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    class Meta:
        ordering = ["id"]

    @property
    def name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class RotatedRefreshToken(models.Model):
    """A refresh token spent by rotation. Its unique jti makes rotation single-use under races, and
    tells a replayed token (reuse: end every session) from a merely revoked one (logged out)."""

    jti = models.CharField(max_length=255, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    rotated_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.jti


# Push devices live in their own package; importing the model here registers it with the accounts app.
from trackbase.accounts.devices.models import Device  # noqa: E402, F401
