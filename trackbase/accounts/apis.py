"""Thin account endpoints: parse, call a service, serialize."""

import zoneinfo

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from trackbase.accounts import apple, services
from trackbase.accounts.principal import full_user
from trackbase.accounts.serializers import AuthOutput, DetailOutput, PrivacySettingsInput, SessionOutput, UserOutput
from trackbase.accounts.tokens import token_revoke, tokens_issue, tokens_refresh, tokens_revoke_all
from trackbase.core.caching import NoStoreMixin
from trackbase.core.inputs import validated
from trackbase.core.schema import problems
from trackbase.core.throttles import scoped

PASSWORD_RESET_SENT = "If an account exists for this email, a password reset link has been sent to it."
NOTHING_TO_UPDATE = "Send at least one field to change."
# The rule services.user_register and profile_update apply, stated where the schema can show it.
USERNAME = r"^[A-Za-z0-9_.@+-]{3,150}$"
PASSWORD_LENGTH = {
    "min_length": 8,
    "max_length": 128,
    # Django's MinimumLengthValidator says the same; DRF's field checks first.
    "error_messages": {"min_length": "This password is too short. It must contain at least 8 characters."},
}
TIME_ZONES = sorted(zoneinfo.available_timezones())
AUTH = ["auth"]
PROFILE = ["profile"]


def _auth_response(user, http_status=status.HTTP_200_OK) -> Response:
    return Response(AuthOutput({"user": user, **tokens_issue(user=user)}).data, status=http_status)


def _detail(message: str, http_status=status.HTTP_200_OK) -> Response:
    return Response({"detail": message}, status=http_status)


class PublicAPIView(APIView):
    """No credentials needed; a stale or bad token in the header is ignored rather than refused."""

    authentication_classes = []
    permission_classes = [AllowAny]


class RegisterApi(NoStoreMixin, PublicAPIView):
    throttle_classes = [scoped("register")]

    class InputSerializer(serializers.Serializer):
        username = serializers.RegexField(
            USERNAME, required=False, help_text="3-150 letters, digits and _ . @ + -; from the email when left out."
        )
        email = serializers.EmailField(required=False, allow_null=True, allow_blank=True, max_length=254)
        password = serializers.CharField(
            **PASSWORD_LENGTH,
            trim_whitespace=False,
            style={"input_type": "password"},
            help_text="8-128 characters with an upper-case letter, a lower-case letter and a digit; not a common "
            "password, not like the username or email.",
        )
        first_name = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")
        last_name = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")
        password_confirm = serializers.CharField(required=False, max_length=128, trim_whitespace=False)

        def validate(self, attrs):
            # The iOS client (seed 003) sends the password twice; others may omit the copy.
            confirm = attrs.pop("password_confirm", None)
            if confirm is not None and confirm != attrs["password"]:
                raise serializers.ValidationError({"password_confirm": ["The passwords do not match."]})
            return attrs

    @extend_schema(
        request=InputSerializer,
        responses={201: AuthOutput, **problems(409)},
        summary="Register a USER account",
        description="Give a username, an email, or both. 409 `EMAIL_ALREADY_EXISTS` / `USERNAME_ALREADY_EXISTS`.",
        tags=AUTH,
    )
    def post(self, request):
        data = validated(self.InputSerializer, request.data)
        user = services.user_register(**data)
        return _auth_response(user, status.HTTP_201_CREATED)


class LoginApi(NoStoreMixin, PublicAPIView):
    # Failed attempts are limited per account and per address by the service (accounts/login_limits.py);
    # a scope throttle here would count successes too, and lock an office behind one address out.

    class InputSerializer(serializers.Serializer):
        login = serializers.CharField(required=False, max_length=254, help_text="Username or email.")
        username = serializers.CharField(required=False, max_length=254)
        email = serializers.CharField(required=False, max_length=254)
        password = serializers.CharField(max_length=128, trim_whitespace=False)

        def validate(self, attrs):
            login = attrs.get("login") or attrs.get("username") or attrs.get("email")
            if not login:
                raise serializers.ValidationError({"login": ["Give a username or an email address."]})
            return {"login": login, "password": attrs["password"]}

    @extend_schema(
        request=InputSerializer,
        responses={200: AuthOutput, **problems(401)},
        summary="Sign in with username or email",
        description="Send `login` (or `username` or `email`) and `password`; 401 `INVALID_CREDENTIALS`.",
        tags=AUTH,
    )
    def post(self, request):
        user = services.user_login(**validated(self.InputSerializer, request.data), request=request)
        return _auth_response(user)


class AppleLoginApi(NoStoreMixin, PublicAPIView):
    throttle_classes = [scoped("login")]

    class InputSerializer(serializers.Serializer):
        identity_token = serializers.CharField(required=False, max_length=8192, help_text="Seed 003's name.")
        id_token = serializers.CharField(required=False, max_length=8192, help_text="The iOS client's name.")
        nonce = serializers.CharField(required=False, max_length=256)
        first_name = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")
        last_name = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")

        def validate(self, attrs):
            token = attrs.pop("identity_token", None) or attrs.pop("id_token", None)
            attrs.pop("id_token", None)
            if not token:
                raise serializers.ValidationError({"identity_token": ["Send the Apple identity token."]})
            return {"token": token, **attrs}

    @extend_schema(
        request=InputSerializer,
        responses={200: AuthOutput, **problems(400, 401, 429)},
        summary="Sign in with Apple (links by Apple id, then verified email, or creates the account)",
        tags=AUTH,
    )
    def post(self, request):
        return _auth_response(apple.apple_user_login(**validated(self.InputSerializer, request.data)))


class TokenRefreshApi(NoStoreMixin, PublicAPIView):
    throttle_classes = [scoped("token_refresh")]

    class InputSerializer(serializers.Serializer):
        refresh = serializers.CharField(max_length=4096)

    @extend_schema(
        request=InputSerializer,
        responses={200: SessionOutput, **problems(401)},
        summary="Rotate a refresh token",
        description="401 `TOKEN_INVALID`, `TOKEN_REVOKED` or `TOKEN_REUSED` (every session of the account ends).",
        tags=AUTH,
    )
    def post(self, request):
        return Response(tokens_refresh(raw_refresh=validated(self.InputSerializer, request.data)["refresh"]))


class LogoutApi(APIView):
    class InputSerializer(serializers.Serializer):
        refresh = serializers.CharField(max_length=4096)

    @extend_schema(request=InputSerializer, responses={200: DetailOutput}, summary="Log out this session", tags=AUTH)
    def post(self, request):
        token_revoke(raw_refresh=validated(self.InputSerializer, request.data)["refresh"], user=request.user)
        return _detail("Logged out.")

    @extend_schema(responses={200: DetailOutput}, summary="Log out of every session", tags=AUTH)
    def get(self, request):
        tokens_revoke_all(user_id=request.user.pk)
        return _detail("Logged out of all sessions.")


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "enum": [None],
        "description": "null removes the avatar (upload one as multipart/form-data).",
    }
)
class AvatarRemoval(serializers.ImageField):
    """In a JSON body the avatar can only be removed (null); a new one is uploaded as multipart."""


@extend_schema_field({"type": "string", "enum": TIME_ZONES, "description": "An IANA time zone name."})
class TimeZoneField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=TIME_ZONES, **kwargs)


class ProfileApi(NoStoreMixin, APIView):
    class InputSerializer(serializers.Serializer):
        # Every field optional, PUT included (the iOS client sends only the fields its form shows); at least one.
        schema_extra = {"minProperties": 1}

        username = serializers.RegexField(USERNAME, required=False, help_text="3-150 letters, digits and _ . @ + -.")
        email = serializers.EmailField(required=False, allow_null=True, allow_blank=True, max_length=254)
        first_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
        last_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
        timezone = TimeZoneField(required=False)
        avatar = AvatarRemoval(required=False, allow_null=True)
        privacy_settings = PrivacySettingsInput(required=False)

    class AvatarFormSerializer(serializers.Serializer):
        """multipart/form-data: an avatar upload (the other fields go as JSON)."""

        avatar = serializers.ImageField()

    REQUEST = {"application/json": InputSerializer, "multipart/form-data": AvatarFormSerializer}

    @extend_schema(responses={200: UserOutput}, summary="The caller's profile", tags=PROFILE)
    def get(self, request):
        return Response(UserOutput(full_user(request.user), context={"request": request}).data)

    @extend_schema(
        request=REQUEST,
        responses={200: UserOutput, **problems(409)},
        summary="Update the caller's profile (the fields sent)",
        tags=PROFILE,
    )
    def put(self, request):
        return self._update(request)

    @extend_schema(
        request=REQUEST,
        responses={200: UserOutput, **problems(409)},
        summary="Update part of the profile",
        tags=PROFILE,
    )
    def patch(self, request):
        return self._update(request)

    def _update(self, request):
        form = request.content_type.startswith(("multipart/", "application/x-www-form-urlencoded"))
        fields = validated(self.AvatarFormSerializer if form else self.InputSerializer, request.data)
        if not fields:
            raise ValidationError({"non_field_errors": [NOTHING_TO_UPDATE]})
        if "avatar" in fields and fields["avatar"] is None:
            fields["avatar"] = ""
        user = services.profile_update(user=full_user(request.user), **fields)
        return Response(UserOutput(user, context={"request": request}).data)


class PasswordChangeApi(NoStoreMixin, APIView):
    throttle_classes = [scoped("password_reset")]

    class InputSerializer(serializers.Serializer):
        current_password = serializers.CharField(max_length=128, trim_whitespace=False)
        new_password = serializers.CharField(**PASSWORD_LENGTH, trim_whitespace=False)

    @extend_schema(
        request=InputSerializer, responses={200: AuthOutput}, summary="Change password; other sessions end", tags=AUTH
    )
    def post(self, request):
        user = services.password_change(user=full_user(request.user), **validated(self.InputSerializer, request.data))
        return _auth_response(user)


class PasswordResetRequestApi(PublicAPIView):
    throttle_classes = [scoped("password_reset")]

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=254)

    @extend_schema(
        request=InputSerializer,
        responses={202: DetailOutput},
        summary="Email a password reset token",
        description="Always 202, whether or not an account has this email.",
        tags=AUTH,
    )
    def post(self, request):
        services.password_reset_request(**validated(self.InputSerializer, request.data))
        return _detail(PASSWORD_RESET_SENT, status.HTTP_202_ACCEPTED)


class PasswordResetConfirmApi(PublicAPIView):
    throttle_classes = [scoped("password_reset")]

    class InputSerializer(serializers.Serializer):
        token = serializers.CharField(max_length=512)
        new_password = serializers.CharField(**PASSWORD_LENGTH, trim_whitespace=False)

    @extend_schema(
        request=InputSerializer,
        responses={200: DetailOutput},
        summary="Set a new password with a token",
        description="400 `RESET_TOKEN_INVALID` for a wrong, used or expired token.",
        tags=AUTH,
    )
    def post(self, request):
        services.password_reset_confirm(**validated(self.InputSerializer, request.data))
        return _detail("Password reset. Sign in with the new password.")


class EmailVerifyApi(PublicAPIView):
    throttle_classes = [scoped("email_verify")]

    class InputSerializer(serializers.Serializer):
        token = serializers.CharField(max_length=512)

    @extend_schema(
        request=InputSerializer,
        responses={200: DetailOutput},
        summary="Confirm an email address",
        description="400 `VERIFICATION_TOKEN_INVALID` for a wrong or expired token.",
        tags=AUTH,
    )
    def post(self, request):
        services.email_verify(**validated(self.InputSerializer, request.data))
        return _detail("Email verified.")


class EmailVerifyResendApi(APIView):
    throttle_classes = [scoped("email_verify")]

    @extend_schema(request=None, responses={202: DetailOutput}, summary="Send the verification email again", tags=AUTH)
    def post(self, request):
        user = full_user(request.user)
        if user.email and not user.email_verified:
            services.email_verification_send(user=user)
        return _detail("If your email still needs verifying, a new link has been sent.", status.HTTP_202_ACCEPTED)
