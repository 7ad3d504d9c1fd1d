from django.conf import settings
from django.db import models
from django.db.models import F, Q

from trackbase.wellness import rules


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    MODERATOR = "moderator", "Moderator"
    MEMBER = "member", "Member"


class Frequency(models.TextChoices):
    """How often the group's members are reminded; they check in once a week whatever it is."""

    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    BIWEEKLY = "biweekly", "Every two weeks"


class Group(models.Model):
    """A small circle of friends checking in weekly. `member_count` is the capacity guard: a join takes a
    place with one conditional UPDATE, so maxMembers holds under parallel joins."""

    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="")
    access_code = models.CharField(max_length=rules.ACCESS_CODE_LENGTH, unique=True)
    max_members = models.PositiveSmallIntegerField(default=20)
    member_count = models.PositiveSmallIntegerField(default=0)
    timezone = models.CharField(max_length=64, default="UTC")
    checkin_frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(member_count__lte=F("max_members")), name="group_within_capacity"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wellness_memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="membership_once_per_group")]
        indexes = [models.Index(fields=["user", "group"], name="membership_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id} ({self.role})"


class CheckIn(models.Model):
    """One member's weekly check-in in one group; the week is the group's (its time zone's Monday)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wellness_checkins")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="checkins")
    week_start_date = models.DateField()
    productive = models.PositiveSmallIntegerField()
    satisfied = models.PositiveSmallIntegerField()
    body = models.PositiveSmallIntegerField()
    care = models.PositiveSmallIntegerField()
    hu_cares_score = models.SmallIntegerField()
    notes = models.TextField(blank=True, default="")
    is_private = models.BooleanField(default=False)
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-week_start_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "group", "week_start_date"], name="checkin_once_per_week"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": rules.SCORE_MIN, f"{name}__lte": rules.SCORE_MAX}),
                    name=f"checkin_{name}_in_range",
                )
                for name in ("productive", "satisfied", "body", "care")
            ],
        ]
        indexes = [
            models.Index(fields=["group", "week_start_date"], name="checkin_group_week_idx"),
            models.Index(fields=["user", "week_start_date"], name="checkin_user_week_idx"),
        ]

    def __str__(self) -> str:
        return f"check-in {self.pk} ({self.week_start_date})"
