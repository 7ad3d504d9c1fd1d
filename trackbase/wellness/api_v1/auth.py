"""/api/v1/auth/: password accounts (seed 002) and PIN accounts (the live HuCares client)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny

from trackbase.accounts import pin as pins
from trackbase.accounts import services as accounts
from trackbase.accounts.tokens import token_revoke, tokens_issue, tokens_refresh, tokens_revoke_all
from trackbase.core.caching import NoStoreMixin
from trackbase.core.contracts.v1 import enveloped, errors, ok
from trackbase.core.inputs import validated
from trackbase.core.throttles import scoped
from trackbase.wellness import rules
from trackbase.wellness.api_v1.base import WellnessApi
from trackbase.wellness.api_v1.serializers import AuthOutput, SessionOutput, UserOutput, username_field

TAGS = ["wellness auth"]
PIN_FIELD = serializers.RegexField(r"^[0-9]{4}$", error_messages={"invalid": pins.PIN_RULE})


def session(user, request, http_status=status.HTTP_200_OK, message=None):
    tokens = tokens_issue(user=user)
    data = {
        "user": UserOutput(user, context={"request": request}).data,
        "accessToken": tokens["access"],
        "refreshToken": tokens["refresh"],
    }
    return ok(data, http_status=http_status, message=message)


class PublicApi(WellnessApi):
    authentication_classes = []
    permission_classes = [AllowAny]


class V1RegisterApi(NoStoreMixin, PublicApi):
    throttle_classes = [scoped("register")]

    class InputSerializer(serializers.Serializer):
        username = username_field()
        email = serializers.EmailField(required=False, max_length=254)
        password = serializers.CharField(required=False, max_length=128, trim_whitespace=False)
        pin = serializers.CharField(required=False, max_length=4, min_length=4, trim_whitespace=False)

        def validate_username(self, value):
            if problem := rules.username_problem(value):
                raise serializers.ValidationError(problem)
            return value

        def validate(self, attrs):
            if "pin" in attrs:
                if "password" in attrs or "email" in attrs:
                    raise serializers.ValidationError({"pin": ["A PIN account has no email or password."]})
            elif not attrs.get("password") or not attrs.get("email"):
                raise serializers.ValidationError(
                    {"password": ["Send {username, email, password} or {username, pin}."]}
                )
            return attrs

    @extend_schema(
        request=InputSerializer,
        responses={201: enveloped(AuthOutput), **errors(400, 409, 429)},
        tags=TAGS,
        summary="Register a password account or a PIN account",
    )
    def post(self, request):
        data = validated(self.InputSerializer, request.data)
        if "pin" in data:
            user = pins.pin_account_register(username=data["username"], pin=data["pin"])
        else:
            user = accounts.user_register(username=data["username"], email=data["email"], password=data["password"])
        return session(user, request, status.HTTP_201_CREATED, "Account created.")


class V1LoginApi(NoStoreMixin, PublicApi):
    throttle_classes = [scoped("login")]

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(required=False, max_length=254)
        email = serializers.CharField(required=False, max_length=254)
        password = serializers.CharField(required=False, max_length=128, trim_whitespace=False)
        pin = serializers.CharField(required=False, max_length=128, trim_whitespace=False)

        def validate(self, attrs):
            login = attrs.get("username") or attrs.get("email")
            secret = attrs.get("pin") or attrs.get("password")
            if not login or not secret:
                raise serializers.ValidationError({"username": ["Send {email|username, password} or {username, pin}."]})
            return {"login": login, "secret": secret, "as_pin": "pin" in attrs or pins.is_pin(secret)}

    @extend_schema(
        request=InputSerializer,
        responses={200: enveloped(AuthOutput), **errors(400, 401, 429)},
        tags=TAGS,
        summary="Sign in with email or username and password, or username and PIN",
    )
    def post(self, request):
        data = validated(self.InputSerializer, request.data)
        # The live client sends a PIN account's PIN as `password`; no password is 4 digits (minimum 8).
        if data["as_pin"]:
            user = pins.pin_login(username=data["login"], pin=data["secret"])
        else:
            user = accounts.user_login(login=data["login"], password=data["secret"], request=request)
        return session(user, request, message="Login successful.")


class V1PinLoginApi(NoStoreMixin, PublicApi):
    throttle_classes = [scoped("login")]

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=254)
        pin = serializers.CharField(max_length=128, trim_whitespace=False)

    @extend_schema(
        request=InputSerializer,
        responses={200: enveloped(AuthOutput), **errors(400, 401, 429)},
        tags=TAGS,
        summary="Sign in with username and PIN (5 wrong PINs lock PIN login for 15 minutes)",
    )
    def post(self, request):
        user = pins.pin_login(**validated(self.InputSerializer, request.data))
        return session(user, request, message="Login successful.")


class V1PinApi(WellnessApi):
    throttle_classes = [scoped("password_reset")]

    class InputSerializer(serializers.Serializer):
        pin = PIN_FIELD
        currentPassword = serializers.CharField(
            source="current_password", required=False, max_length=128, trim_whitespace=False
        )
        currentPin = serializers.CharField(source="current_pin", required=False, max_length=4, trim_whitespace=False)

    @extend_schema(
        request=InputSerializer,
        responses={200: enveloped(UserOutput), **errors(400, 401, 429)},
        tags=TAGS,
        summary="Set or change the PIN (prove it with the current PIN or password)",
    )
    def put(self, request):
        user = pins.pin_set(user=request.user, **validated(self.InputSerializer, request.data))
        return ok(UserOutput(user, context={"request": request}).data, message="PIN updated.")


class V1RefreshApi(NoStoreMixin, PublicApi):
    throttle_classes = [scoped("token_refresh")]

    class InputSerializer(serializers.Serializer):
        refreshToken = serializers.CharField(max_length=4096)

    @extend_schema(
        request=InputSerializer,
        responses={200: enveloped(SessionOutput), **errors(400, 401)},
        tags=TAGS,
        summary="Rotate a refresh token (a reused one ends every session)",
    )
    def post(self, request):
        tokens = tokens_refresh(raw_refresh=validated(self.InputSerializer, request.data)["refreshToken"])
        return ok({"accessToken": tokens["access"], "refreshToken": tokens["refresh"]})


class V1LogoutApi(WellnessApi):
    class InputSerializer(serializers.Serializer):
        refreshToken = serializers.CharField(required=False, max_length=4096)

    @extend_schema(
        request=InputSerializer,
        responses={200: enveloped(None), **errors(401)},
        tags=TAGS,
        summary="Log out: this session (refreshToken given) or every session",
    )
    def post(self, request):
        raw = validated(self.InputSerializer, request.data).get("refreshToken")
        if raw:
            token_revoke(raw_refresh=raw, user=request.user)
        else:
            tokens_revoke_all(user_id=request.user.pk)
        return ok(None, message="Logged out successfully")


class V1ForgotPasswordApi(PublicApi):
    throttle_classes = [scoped("password_reset")]

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()

    @extend_schema(
        request=InputSerializer,
        responses={200: enveloped(None), **errors(400, 429)},
        tags=TAGS,
        summary="Email a password reset token",
    )
    def post(self, request):
        accounts.password_reset_request(**validated(self.InputSerializer, request.data))
        return ok(None, message="Reset link sent")


class V1ResetPasswordApi(PublicApi):
    throttle_classes = [scoped("password_reset")]

    class InputSerializer(serializers.Serializer):
        token = serializers.CharField(max_length=512)
        newPassword = serializers.CharField(source="new_password", max_length=128, trim_whitespace=False)

    @extend_schema(
        request=InputSerializer,
        responses={200: enveloped(None), **errors(400, 429)},
        tags=TAGS,
        summary="Set a new password with a reset token",
    )
    def post(self, request):
        accounts.password_reset_confirm(**validated(self.InputSerializer, request.data))
        return ok(None, message="Password reset successful")


class V1VerifyEmailApi(PublicApi):
    throttle_classes = [scoped("email_verify")]

    class InputSerializer(serializers.Serializer):
        token = serializers.CharField(max_length=512)

    @extend_schema(
        request=InputSerializer,
        responses={200: enveloped(None), **errors(400, 429)},
        tags=TAGS,
        summary="Confirm an email address",
    )
    def post(self, request):
        accounts.email_verify(**validated(self.InputSerializer, request.data))
        return ok(None, message="Email verified")
