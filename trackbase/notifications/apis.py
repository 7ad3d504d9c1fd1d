"""Seed 000's inbox: `/me/notifications...` (also under `/api/me/...`); seed 003's notification settings."""

from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from trackbase.core.inputs import QueryBoolean, validated
from trackbase.core.jsondocs import StrictSerializer
from trackbase.core.pagination import PAGE_PARAMETERS, page_of, paginate
from trackbase.notifications import preferences, selectors, services
from trackbase.notifications.models import Notification
from trackbase.notifications.push.webpush import vapid_public_key

NOT_A_BOOLEAN = "Must be true or false."
BAD_TYPE_NAME = "Notification types are UPPER_SNAKE_CASE names of at most 50 characters, e.g. TRAIN_DELAY."
TOO_MANY_TYPES = f"At most {preferences.MAX_TYPES} types."
NOTIFICATIONS = ["notifications"]


class NotificationOutput(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "type", "title", "message", "data", "is_read", "read_at", "created_at"]
        read_only_fields = fields


class NotificationListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        unread = QueryBoolean(required=False, default=False, help_text="Only the unread ones.")

    @extend_schema(
        parameters=[FilterSerializer, *PAGE_PARAMETERS],
        responses={200: page_of(NotificationOutput)},
        summary="The caller's notifications, newest first",
        tags=NOTIFICATIONS,
    )
    def get(self, request):
        unread_only = validated(self.FilterSerializer, request.query_params)["unread"]
        notifications = selectors.notification_list(user=request.user, unread_only=unread_only)
        return paginate(request, notifications, serializer=NotificationOutput)


class NotificationDetailApi(APIView):
    @extend_schema(responses={204: None}, summary="Delete one of the caller's notifications", tags=NOTIFICATIONS)
    def delete(self, request, notification_id: int):
        services.notification_delete(user=request.user, notification_id=notification_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotificationReadApi(APIView):
    @extend_schema(
        request=None, responses={200: NotificationOutput}, summary="Mark a notification read", tags=NOTIFICATIONS
    )
    def post(self, request, notification_id: int):
        notification = services.notification_mark_read(user=request.user, notification_id=notification_id)
        return Response(NotificationOutput(notification).data)


class NotificationReadAllApi(APIView):
    @extend_schema(
        request=None,
        responses={200: inline_serializer("MarkedRead", {"marked_read": serializers.IntegerField()})},
        summary="Mark every notification read",
        tags=NOTIFICATIONS,
    )
    def post(self, request):
        return Response({"marked_read": services.notifications_mark_all_read(user=request.user)})


class NotificationUnreadCountApi(APIView):
    @extend_schema(
        responses={200: inline_serializer("UnreadCount", {"unread_count": serializers.IntegerField()})},
        summary="How many notifications are unread",
        tags=NOTIFICATIONS,
    )
    def get(self, request):
        return Response({"unread_count": selectors.notification_unread_count(user=request.user)})


class StrictBooleanField(serializers.BooleanField):
    """JSON true/false only: DRF's own also takes "yes", 1 and "on", which a settings document should not."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        raise serializers.ValidationError(NOT_A_BOOLEAN)


class ChannelsSerializer(StrictSerializer):
    """Channels a notification goes out on; a missing channel is on."""

    in_app = StrictBooleanField(required=False, help_text="Show it in the inbox and unread count.")
    realtime = StrictBooleanField(required=False, help_text="Send it to open Socket.IO connections.")
    push = StrictBooleanField(required=False, help_text="Send it to the user's push devices.")


@extend_schema_field(
    {
        "type": "object",
        "patternProperties": {f"^{preferences.TYPE_NAME.pattern}$": {"$ref": "#/components/schemas/ChannelsRequest"}},
        "additionalProperties": False,
        "maxProperties": preferences.MAX_TYPES,
    },
    component_name=None,
)
class TypesField(serializers.DictField):
    pass


class NotificationSettingsSerializer(StrictSerializer):
    """The whole settings document: `default` channels and per-type overrides (unknown keys are refused)."""

    default = ChannelsSerializer(required=False, help_text="Every type; a missing channel is on.")
    types = TypesField(
        child=ChannelsSerializer(),
        required=False,
        help_text="Per-type overrides of `default`, keyed by type (UPPER_SNAKE_CASE, e.g. TRAIN_DELAY).",
    )

    def get_fields(self):
        fields = super().get_fields()
        for key, (serializer_class, _normalize) in preferences.SECTIONS.items():
            fields[key] = serializer_class(required=False)
        return fields

    def validate_types(self, types: dict) -> dict:
        if len(types) > preferences.MAX_TYPES:
            raise serializers.ValidationError(TOO_MANY_TYPES)
        if bad := [name for name in types if not preferences.TYPE_NAME.fullmatch(name)]:
            raise serializers.ValidationError({name: [BAD_TYPE_NAME] for name in bad})
        return types


class NotificationSettingsOutput(serializers.Serializer):
    default = ChannelsSerializer()
    types = serializers.DictField(child=ChannelsSerializer())

    def get_fields(self):
        fields = super().get_fields()
        for key, (serializer_class, _normalize) in preferences.SECTIONS.items():
            fields[key] = serializer_class(required=False)
        return fields


class NotificationSettingsApi(APIView):
    @extend_schema(
        responses={200: NotificationSettingsOutput}, summary="The caller's notification channels", tags=NOTIFICATIONS
    )
    def get(self, request):
        return Response(selectors.notification_preferences_get(user=request.user))

    @extend_schema(
        request=NotificationSettingsSerializer,
        responses={200: NotificationSettingsOutput},
        summary="Replace the caller's notification channels",
        tags=NOTIFICATIONS,
        description="Channels are `in_app`, `realtime` and `push`. A channel is on for a type when "
        "`types[type][channel]` says so, else when `default[channel]` does, else it is on.",
    )
    def put(self, request):
        data = validated(NotificationSettingsSerializer, request.data)
        sections = {key: dict(data[key]) for key in preferences.SECTIONS if key in data}
        document = services.notification_preferences_update(
            user=request.user, default=data.get("default", {}), types=data.get("types", {}), sections=sections
        )
        return Response(document)


class WebPushKeyApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        responses={200: inline_serializer("WebPushKey", {"public_key": serializers.CharField(allow_null=True)})},
        summary="The VAPID public key browsers subscribe with (null when Web Push is not configured)",
        tags=NOTIFICATIONS,
    )
    def get(self, request):
        return Response({"public_key": vapid_public_key()})
