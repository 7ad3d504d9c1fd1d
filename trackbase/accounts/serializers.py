"""Output shapes shared by the account endpoints (inputs live next to their views)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trackbase.accounts import privacy
from trackbase.accounts.models import Role
from trackbase.core.jsondocs import StoredDocumentField, StrictChoiceField, StrictSerializer

# What a stored notification-preferences document may be to be shown: the notifications app's schema
# (default + up to 100 types x 3 channels) fits well inside, with room for keys other apps add.
PREFERENCES_MAX_DEPTH = 8
PREFERENCES_MAX_BYTES = 64 * 1024


class PrivacySettingsInput(StrictSerializer):
    """The privacy document's schema: these keys, these values, nothing else (so bounded depth and size)."""

    profile = StrictChoiceField(choices=privacy.PRIVACY_LEVELS, required=False, help_text="Who sees the profile.")
    scores = StrictChoiceField(choices=privacy.PRIVACY_LEVELS, required=False, help_text="Who sees check-in scores.")


class PrivacySettingsOutput(serializers.Serializer):
    profile = serializers.ChoiceField(choices=privacy.PRIVACY_LEVELS)
    scores = serializers.ChoiceField(choices=privacy.PRIVACY_LEVELS)


@extend_schema_field(PrivacySettingsOutput)
class PrivacySettingsField(serializers.Field):
    """Renders the stored document through its schema: a value written behind the API's back shows as
    its default instead of breaking the page."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return privacy.normalize(value)


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
    notification_preferences = StoredDocumentField(max_depth=PREFERENCES_MAX_DEPTH, max_bytes=PREFERENCES_MAX_BYTES)
    privacy_settings = PrivacySettingsField()
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
