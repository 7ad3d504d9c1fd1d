from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings

from trackbase.accounts.principal import principal_get, principal_touch, token_predates_revocation

ACTIVITY_RESOLUTION = timedelta(minutes=5)


class JWTAuthentication(authentication.JWTAuthentication):
    """SimpleJWT's checks (inactive users and tokens of an older password rejected) against the cached
    principal (trackbase.accounts.principal) instead of a user query per request; it also rejects access
    tokens issued before the user's sessions were revoked, and keeps `last_active_at` fresh.

    The activity stamp is written at most once per ACTIVITY_RESOLUTION per user, so a busy client
    costs one extra UPDATE every few minutes, not one per request.
    """

    def __init__(self):
        # SimpleJWT looks the user model up in __init__; DRF builds this class per request and again for
        # a 401's WWW-Authenticate header, and only SimpleJWT's get_user (replaced here) reads it.
        super(authentication.JWTAuthentication, self).__init__()

    def get_user(self, validated_token):
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError:
            raise InvalidToken(_("Token contained no recognizable user identification")) from None
        principal, revoked_at = principal_get(user_id)
        if principal is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not principal.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        if api_settings.CHECK_REVOKE_TOKEN and validated_token.get(api_settings.REVOKE_TOKEN_CLAIM) != (
            principal.password_claim
        ):
            raise AuthenticationFailed(_("The user's password has been changed."), code="password_changed")
        if token_predates_revocation(validated_token, revoked_at):
            raise AuthenticationFailed(_("This session has ended. Sign in again."), code="token_revoked")
        user = principal.as_user()
        now = timezone.now()
        if user.last_active_at is None or now - user.last_active_at > ACTIVITY_RESOLUTION:
            type(user).objects.filter(pk=user.pk).update(last_active_at=now)
            user.last_active_at = now
            principal_touch(principal, now)
        return user
