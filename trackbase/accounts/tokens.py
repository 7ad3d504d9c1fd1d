"""JWT sessions: issue, rotate with reuse detection, and revoke.

A refresh token is single-use. Rotation records its jti in RotatedRefreshToken, which is unique:
of two requests racing with the same refresh token, exactly one wins. A token presented again after
rotation was stolen or replayed, so every session of its user ends (reuse detection).
"""

import logging

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import get_md5_hash_password

from trackbase.accounts.models import RotatedRefreshToken
from trackbase.accounts.principal import principal_sessions_revoked
from trackbase.accounts.signals import sessions_ended
from trackbase.core.errors import DomainError

logger = logging.getLogger(__name__)


class InvalidRefreshToken(DomainError):
    status, code, detail = 401, "TOKEN_INVALID", "The refresh token is invalid or expired."


class RefreshTokenRevoked(DomainError):
    status, code, detail = 401, "TOKEN_REVOKED", "This session has ended (logged out or revoked). Sign in again."


class RefreshTokenReused(DomainError):
    status, code = 401, "TOKEN_REUSED"
    detail = "This refresh token was already used. Every session of this account has been signed out."


def tokens_issue(*, user) -> dict:
    """A new session: an access token and its refresh token."""
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def tokens_refresh(*, raw_refresh: str) -> dict:
    """Rotate a refresh token: the old one is spent, a new pair is returned."""
    refresh = _load_refresh(raw_refresh)
    user = get_user_model().objects.filter(pk=refresh[api_settings.USER_ID_CLAIM], is_active=True).first()
    if user is None or not _minted_for_current_password(refresh, user):
        raise InvalidRefreshToken()
    try:
        with transaction.atomic():
            RotatedRefreshToken.objects.create(jti=refresh[api_settings.JTI_CLAIM], user=user)
            refresh.blacklist()
    except IntegrityError:
        # Another request rotated this very token a moment ago: the same reuse, seen from the other side.
        tokens_revoke_all(user_id=user.pk)
        raise RefreshTokenReused() from None
    return tokens_issue(user=user)


def token_revoke(*, raw_refresh: str, user) -> None:
    """Log out one session: blacklist the caller's own refresh token."""
    refresh = _load_refresh(raw_refresh)
    if str(refresh[api_settings.USER_ID_CLAIM]) != str(user.pk):
        raise InvalidRefreshToken()
    refresh.blacklist()


def tokens_revoke_all(*, user_id) -> int:
    """End every session of a user: blacklist all their refresh tokens that are still alive."""
    alive = OutstandingToken.objects.filter(user_id=user_id, expires_at__gt=timezone.now()).exclude(
        blacklistedtoken__isnull=False
    )
    rows = [BlacklistedToken(token=token) for token in alive]
    BlacklistedToken.objects.bulk_create(rows, ignore_conflicts=True)
    # Access tokens already issued end now too, on every process (not when their 15 minutes are up).
    principal_sessions_revoked(user_id)
    transaction.on_commit(lambda: _announce_sessions_ended(user_id))
    return len(rows)


def _announce_sessions_ended(user_id) -> None:
    # After commit: a receiver's failure (Redis down while closing sockets) must not turn a revocation that
    # happened into an error response. The sockets still die at their access token's expiry.
    for receiver, result in sessions_ended.send_robust(sender=get_user_model(), user_id=user_id):
        if isinstance(result, Exception):
            logger.error("sessions_ended receiver %r failed", receiver, exc_info=result)


def _minted_for_current_password(refresh: RefreshToken, user) -> bool:
    # Access tokens die with a password change (CHECK_REVOKE_TOKEN); a refresh token minted before it must not
    # mint fresh ones. Changes made outside the API (Django admin, changepassword) blacklist nothing.
    if not api_settings.CHECK_REVOKE_TOKEN:
        return True
    return refresh.get(api_settings.REVOKE_TOKEN_CLAIM) == get_md5_hash_password(user.password)


def _load_refresh(raw: str) -> RefreshToken:
    try:
        return RefreshToken(raw)
    except TokenError:
        _explain_rejected(raw)
        raise InvalidRefreshToken() from None


def _explain_rejected(raw: str) -> None:
    """A genuine (signed, unexpired) refresh token was refused: say whether it was replayed or revoked."""
    try:
        payload = token_backend.decode(raw, verify=True)
    except TokenBackendError:
        return
    if payload.get(api_settings.TOKEN_TYPE_CLAIM) != "refresh":
        return
    jti = payload.get(api_settings.JTI_CLAIM)
    if RotatedRefreshToken.objects.filter(jti=jti).exists():
        tokens_revoke_all(user_id=payload.get(api_settings.USER_ID_CLAIM))
        raise RefreshTokenReused()
    if BlacklistedToken.objects.filter(token__jti=jti).exists():
        raise RefreshTokenRevoked()
