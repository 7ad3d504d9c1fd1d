"""Thin account endpoints: parse, call a service, serialize."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from trackbase.accounts import services
from trackbase.accounts.principal import full_user
from trackbase.accounts.serializers import AuthOutput, DetailOutput, SessionOutput, UserOutput
from trackbase.accounts.tokens import token_revoke, tokens_issue, tokens_refresh, tokens_revoke_all
from trackbase.core.inputs import validated
from trackbase.core.throttles import scoped

PASSWORD_RESET_SENT = "If an account exists for this email, a password reset link has been sent to it."


def _auth_response(user, http_status=status.HTTP_200_OK) -> Response:
    return Response(AuthOutput({"user": user, **tokens_issue(user=user)}).data, status=http_status)


def _detail(message: str, http_status=status.HTTP_200_OK) -> Response:
    return Response({"detail": message}, status=http_status)


class PublicAPIView(APIView):
    """No credentials needed; a stale or bad token in the header is ignored rather than refused."""

    authentication_classes = []
    permission_classes = [AllowAny]


class RegisterApi(PublicAPIView):
    throttle_classes = [scoped("register")]

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(required=False, max_length=150)
        email = serializers.EmailField(required=False, allow_null=True, allow_blank=True)
        password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
        first_name = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")
        last_name = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")

    @extend_schema(request=InputSerializer, responses={201: AuthOutput}, summary="Register a USER account")
    def post(self, request):
        data = validated(self.InputSerializer, request.data)
        user = services.user_register(**data)
        return _auth_response(user, status.HTTP_201_CREATED)


class LoginApi(PublicAPIView):
    throttle_classes = [scoped("login")]

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

    @extend_schema(request=InputSerializer, responses={200: AuthOutput}, summary="Sign in with username or email")
    def post(self, request):
        user = services.user_login(**validated(self.InputSerializer, request.data), request=request)
        return _auth_response(user)


class TokenRefreshApi(PublicAPIView):
    throttle_classes = [scoped("token_refresh")]

    class InputSerializer(serializers.Serializer):
        refresh = serializers.CharField(max_length=4096)

    @extend_schema(request=InputSerializer, responses={200: SessionOutput}, summary="Rotate a refresh token")
    def post(self, request):
        return Response(tokens_refresh(raw_refresh=validated(self.InputSerializer, request.data)["refresh"]))


class LogoutApi(APIView):
    class InputSerializer(serializers.Serializer):
        refresh = serializers.CharField(max_length=4096)

    @extend_schema(request=InputSerializer, responses={200: DetailOutput}, summary="Log out this session")
    def post(self, request):
        token_revoke(raw_refresh=validated(self.InputSerializer, request.data)["refresh"], user=request.user)
        return _detail("Logged out.")

    @extend_schema(responses={200: DetailOutput}, summary="Log out of every session")
    def get(self, request):
        tokens_revoke_all(user_id=request.user.pk)
        return _detail("Logged out of all sessions.")


class ProfileApi(APIView):
    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        email = serializers.EmailField(allow_null=True, allow_blank=True)
        first_name = serializers.CharField(allow_blank=True, max_length=150)
        last_name = serializers.CharField(allow_blank=True, max_length=150)
        timezone = serializers.CharField(max_length=64)
        avatar = serializers.ImageField(allow_null=True)
        privacy_settings = serializers.DictField()

    @extend_schema(responses={200: UserOutput}, summary="The caller's profile")
    def get(self, request):
        return Response(UserOutput(full_user(request.user), context={"request": request}).data)

    @extend_schema(request=InputSerializer, responses={200: UserOutput}, summary="Update the caller's profile")
    def put(self, request):
        return self._update(request)

    @extend_schema(request=InputSerializer, responses={200: UserOutput}, summary="Update part of the profile")
    def patch(self, request):
        return self._update(request)

    def _update(self, request):
        # PUT is partial too: the iOS client sends only the fields its form shows.
        fields = validated(self.InputSerializer, request.data, partial=True)
        if "avatar" in fields and fields["avatar"] is None:
            fields["avatar"] = ""
        user = services.profile_update(user=full_user(request.user), **fields)
        return Response(UserOutput(user, context={"request": request}).data)


class PasswordChangeApi(APIView):
    throttle_classes = [scoped("password_reset")]

    class InputSerializer(serializers.Serializer):
        current_password = serializers.CharField(max_length=128, trim_whitespace=False)
        new_password = serializers.CharField(max_length=128, trim_whitespace=False)

    @extend_schema(request=InputSerializer, responses={200: AuthOutput}, summary="Change password; other sessions end")
    def post(self, request):
        user = services.password_change(user=full_user(request.user), **validated(self.InputSerializer, request.data))
        return _auth_response(user)


class PasswordResetRequestApi(PublicAPIView):
    throttle_classes = [scoped("password_reset")]

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()

    @extend_schema(request=InputSerializer, responses={202: DetailOutput}, summary="Email a password reset token")
    def post(self, request):
        services.password_reset_request(**validated(self.InputSerializer, request.data))
        return _detail(PASSWORD_RESET_SENT, status.HTTP_202_ACCEPTED)


class PasswordResetConfirmApi(PublicAPIView):
    throttle_classes = [scoped("password_reset")]

    class InputSerializer(serializers.Serializer):
        token = serializers.CharField(max_length=512)
        new_password = serializers.CharField(max_length=128, trim_whitespace=False)

    @extend_schema(request=InputSerializer, responses={200: DetailOutput}, summary="Set a new password with a token")
    def post(self, request):
        services.password_reset_confirm(**validated(self.InputSerializer, request.data))
        return _detail("Password reset. Sign in with the new password.")


class EmailVerifyApi(PublicAPIView):
    throttle_classes = [scoped("email_verify")]

    class InputSerializer(serializers.Serializer):
        token = serializers.CharField(max_length=512)

    @extend_schema(request=InputSerializer, responses={200: DetailOutput}, summary="Confirm an email address")
    def post(self, request):
        services.email_verify(**validated(self.InputSerializer, request.data))
        return _detail("Email verified.")


class EmailVerifyResendApi(APIView):
    throttle_classes = [scoped("email_verify")]

    @extend_schema(request=None, responses={202: DetailOutput}, summary="Send the verification email again")
    def post(self, request):
        user = full_user(request.user)
        if user.email and not user.email_verified:
            services.email_verification_send(user=user)
        return _detail("If your email still needs verifying, a new link has been sent.", status.HTTP_202_ACCEPTED)
