"""Output shapes shared by the account endpoints (inputs live next to their views)."""

from rest_framework import serializers

from trackbase.accounts.models import Role


class UserOutput(serializers.Serializer):
    """Declared field by field: a ModelSerializer re-inspects the model on every response, which was
    a third of the profile endpoint's cost (bench/)."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField(allow_null=True)
    name = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    email_verified = serializers.BooleanField()
    timezone = serializers.CharField()
    avatar = serializers.ImageField(allow_null=True)
    notification_preferences = serializers.DictField()
    privacy_settings = serializers.DictField()
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    last_login_at = serializers.DateTimeField(allow_null=True)


class SessionOutput(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class AuthOutput(SessionOutput):
    user = UserOutput()


class DetailOutput(serializers.Serializer):
    detail = serializers.CharField()
