"""`/api/devices/`: the caller's push devices (APNs, FCM, Web Push)."""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from trackbase.accounts import device_services, push_targets
from trackbase.accounts.devices import Device, Platform
from trackbase.core.inputs import validated
from trackbase.core.pagination import PAGE_PARAMETERS, page_of, paginate

TOKEN_REQUIRED = "This platform needs a token."
SUBSCRIPTION_REQUIRED = "A web device is registered with its Web Push subscription: {endpoint, keys: {p256dh, auth}}."
SUBSCRIPTION_NOT_ALLOWED = "Only web devices have a subscription."
WEB_TOKEN_MISMATCH = "A web device's token is its subscription endpoint; leave it out or send the same URL."


class DeviceOutput(serializers.ModelSerializer):
    class Meta:
        model = Device
        fields = ["id", "platform", "token", "name", "created_at", "updated_at"]
        read_only_fields = fields


class WebPushKeysInput(serializers.Serializer):
    p256dh = serializers.CharField(max_length=200, help_text="URL-safe base64 P-256 public key of the browser.")
    auth = serializers.CharField(max_length=100, help_text="URL-safe base64 16-byte auth secret.")


class WebPushSubscriptionInput(serializers.Serializer):
    """What `PushSubscription.toJSON()` gives in the browser (`expirationTime` is accepted and ignored)."""

    endpoint = serializers.CharField(max_length=push_targets.MAX_ENDPOINT_LENGTH)
    keys = WebPushKeysInput()


class DeviceListApi(APIView):
    class RegisterSerializer(serializers.Serializer):
        platform = serializers.ChoiceField(choices=Platform.choices)
        token = serializers.CharField(
            required=False, max_length=4096, help_text="APNs device token (hex) or FCM registration token."
        )
        subscription = WebPushSubscriptionInput(required=False, help_text="Web only: the Web Push subscription.")
        name = serializers.CharField(required=False, allow_blank=True, max_length=100)

        def validate(self, attrs):
            platform, token, subscription = attrs["platform"], attrs.get("token"), attrs.get("subscription")
            if platform == Platform.WEB:
                return _web_target(attrs, token, subscription)
            if subscription is not None:
                raise serializers.ValidationError({"subscription": [SUBSCRIPTION_NOT_ALLOWED]})
            if not token:
                raise serializers.ValidationError({"token": [TOKEN_REQUIRED]})
            if platform == Platform.IOS:
                token = push_targets.apns_token_normalize(token)
                if token is None:
                    raise serializers.ValidationError({"token": [push_targets.APNS_TOKEN_INVALID]})
            elif not push_targets.fcm_token_valid(token):
                raise serializers.ValidationError({"token": [push_targets.FCM_TOKEN_INVALID]})
            return {"platform": platform, "token": token, "name": attrs.get("name"), "web_push_keys": None}

    class UnregisterSerializer(serializers.Serializer):
        token = serializers.CharField(max_length=4096, help_text="The token (a web device: its endpoint).")

    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: page_of(DeviceOutput)},
        summary="The caller's active push devices",
    )
    def get(self, request):
        return paginate(request, device_services.device_list(user=request.user), serializer=DeviceOutput)

    @extend_schema(
        request=RegisterSerializer,
        responses={201: DeviceOutput, 200: DeviceOutput},
        summary="Register a push device (201; 200 when the caller had it already)",
        description="iOS and Android send `token`; web sends `subscription` (`PushSubscription.toJSON()`), whose "
        "endpoint becomes the token. A token belongs to whoever registered it last.",
    )
    def post(self, request):
        device, new_to_user = device_services.device_register(
            user=request.user, **validated(self.RegisterSerializer, request.data)
        )
        return Response(
            DeviceOutput(device).data, status=status.HTTP_201_CREATED if new_to_user else status.HTTP_200_OK
        )

    @extend_schema(
        parameters=[OpenApiParameter("token", str, description="The token, when not sent as the JSON body {token}.")],
        responses={204: None},
        summary="Unregister one of the caller's devices by token",
        description='Send the token as the JSON body `{"token": ...}` or as the `token` query parameter.',
    )
    def delete(self, request):
        source = request.data if isinstance(request.data, dict) and request.data else request.query_params
        device_services.device_unregister(user=request.user, **validated(self.UnregisterSerializer, source))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _web_target(attrs: dict, token: str | None, subscription: dict | None) -> dict:
    if subscription is None:
        raise serializers.ValidationError({"subscription": [SUBSCRIPTION_REQUIRED]})
    endpoint = subscription["endpoint"]
    if token is not None and token != endpoint:
        raise serializers.ValidationError({"token": [WEB_TOKEN_MISMATCH]})
    if error := push_targets.endpoint_error(endpoint, settings.WEB_PUSH_ALLOWED_HOSTS):
        raise serializers.ValidationError({"subscription": {"endpoint": [error]}})
    if errors := push_targets.web_push_keys_errors(subscription["keys"]):
        raise serializers.ValidationError({"subscription": {"keys": {k: [v] for k, v in errors.items()}}})
    keys = {"p256dh": subscription["keys"]["p256dh"], "auth": subscription["keys"]["auth"]}
    return {"platform": Platform.WEB, "token": endpoint, "name": attrs.get("name"), "web_push_keys": keys}
