"""Output shapes shared by the account endpoints (inputs live next to their views)."""

from rest_framework import serializers

from trackbase.accounts.models import User


class UserOutput(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = [
            "id", "username", "email", "name", "first_name", "last_name", "role", "email_verified",
            "timezone", "avatar", "notification_preferences", "privacy_settings",
            "is_active", "created_at", "updated_at", "last_login_at",
        ]  # fmt: skip
        read_only_fields = fields


class SessionOutput(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class AuthOutput(SessionOutput):
    user = UserOutput()


class DetailOutput(serializers.Serializer):
    detail = serializers.CharField()
