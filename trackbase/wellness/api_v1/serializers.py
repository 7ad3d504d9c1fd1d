"""Output shapes of /api/v1/ (camelCase, as seed 002 spells them): each renders and documents its response."""

import zoneinfo

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trackbase.wellness import rules
from trackbase.wellness.models import Frequency, Role

# What the services accept (accounts' profile_update, the groups' _check_timezone): IANA names, stated as an enum.
TIME_ZONES = sorted(zoneinfo.available_timezones())
UNKNOWN_TIME_ZONE = "Unknown time zone; use an IANA name such as Europe/Berlin."


@extend_schema_field({"type": "string", "enum": TIME_ZONES, "description": "An IANA time zone name."})
def username_field(**kwargs) -> serializers.RegexField:
    """Input only: a HuCares username, its pattern in the schema (the reserved names are checked beside it)."""
    return serializers.RegexField(
        rf"^{rules.USERNAME_PATTERN.pattern}$",
        max_length=30,
        error_messages={"invalid": f"Invalid username: {rules.USERNAME_RULE}"},
        help_text=f"{rules.USERNAME_RULE} Not one of the reserved names (admin, root, api, ...).",
        **kwargs,
    )


class TimeZoneField(serializers.ChoiceField):
    """Input only: a time zone the server knows, documented as the list it accepts."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"invalid_choice": UNKNOWN_TIME_ZONE})
        super().__init__(choices=TIME_ZONES, **kwargs)


class UserOutput(serializers.Serializer):
    class Meta:
        ref_name = "V1User"

    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField(allow_null=True)
    emailVerified = serializers.BooleanField(source="email_verified")
    hasPin = serializers.SerializerMethodField()
    hasPassword = serializers.SerializerMethodField()
    avatarUrl = serializers.SerializerMethodField()
    timezone = serializers.CharField()
    createdAt = serializers.DateTimeField(source="created_at")
    lastLoginAt = serializers.DateTimeField(source="last_login_at", allow_null=True)

    def get_hasPin(self, user) -> bool:
        return bool(user.pin_hash)

    def get_hasPassword(self, user) -> bool:
        return user.has_usable_password()

    def get_avatarUrl(self, user) -> str | None:
        return avatar_url(user, self.context.get("request"))


def avatar_url(user, request) -> str | None:
    if not user.avatar:
        return None
    url = user.avatar.url
    return request.build_absolute_uri(url) if request else url


class PublicUserOutput(serializers.Serializer):
    """What other users may see of someone: never the email."""

    class Meta:
        ref_name = "V1PublicUser"

    id = serializers.IntegerField()
    username = serializers.CharField()
    avatarUrl = serializers.SerializerMethodField()

    def get_avatarUrl(self, user) -> str | None:
        return avatar_url(user, self.context.get("request"))


class SessionOutput(serializers.Serializer):
    class Meta:
        ref_name = "V1Session"

    accessToken = serializers.CharField()
    refreshToken = serializers.CharField()


class AuthOutput(SessionOutput):
    class Meta:
        ref_name = "V1Auth"

    user = UserOutput()


class GroupOutput(serializers.Serializer):
    class Meta:
        ref_name = "V1Group"

    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    accessCode = serializers.CharField(source="access_code")
    maxMembers = serializers.IntegerField(source="max_members")
    memberCount = serializers.IntegerField(source="member_count")
    timezone = serializers.CharField()
    checkinFrequency = serializers.ChoiceField(source="checkin_frequency", choices=Frequency.choices)
    userRole = serializers.ChoiceField(source="user_role", choices=Role.choices, allow_null=True, default=None)
    createdBy = serializers.IntegerField(source="created_by_id", allow_null=True)
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")


class MemberOutput(serializers.Serializer):
    class Meta:
        ref_name = "V1Member"

    userId = serializers.IntegerField(source="user_id")
    username = serializers.CharField(source="user.username")
    avatarUrl = serializers.SerializerMethodField()
    role = serializers.ChoiceField(choices=Role.choices)
    joinedAt = serializers.DateTimeField(source="joined_at")

    def get_avatarUrl(self, membership) -> str | None:
        return avatar_url(membership.user, self.context.get("request"))


class CheckInOutput(serializers.Serializer):
    class Meta:
        ref_name = "V1CheckIn"

    id = serializers.IntegerField()
    userId = serializers.IntegerField(source="user_id")
    username = serializers.CharField(source="user.username")
    groupId = serializers.IntegerField(source="group_id")
    weekStartDate = serializers.DateField(source="week_start_date")
    productive = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    body = serializers.IntegerField()
    care = serializers.IntegerField()
    huCaresScore = serializers.IntegerField(source="hu_cares_score")
    notes = serializers.CharField()
    isPrivate = serializers.BooleanField(source="is_private")
    submittedAt = serializers.DateTimeField(source="submitted_at")
    updatedAt = serializers.DateTimeField(source="updated_at")


class NotificationOutput(serializers.Serializer):
    class Meta:
        ref_name = "V1Notification"

    id = serializers.IntegerField()
    type = serializers.CharField()
    title = serializers.CharField()
    message = serializers.CharField()
    data = serializers.DictField()
    isRead = serializers.BooleanField(source="is_read")
    readAt = serializers.DateTimeField(source="read_at", allow_null=True)
    createdAt = serializers.DateTimeField(source="created_at")
