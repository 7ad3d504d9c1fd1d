"""Account emails and the one-time tokens they carry."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

EMAIL_VERIFICATION_SALT = "trackbase.accounts.email-verification"
EMAIL_VERIFICATION_MAX_AGE = 3 * 24 * 3600
_password_reset_tokens = PasswordResetTokenGenerator()


def email_verification_token(user) -> str:
    """Signed (user, email) pair: changing the email makes older tokens worthless."""
    return signing.dumps({"user": user.pk, "email": user.email}, salt=EMAIL_VERIFICATION_SALT, compress=True)


def email_verification_payload(token: str) -> dict | None:
    try:
        return signing.loads(token, salt=EMAIL_VERIFICATION_SALT, max_age=EMAIL_VERIFICATION_MAX_AGE)
    except signing.BadSignature:
        return None


def password_reset_token(user) -> str:
    """Django's reset token (spent once the password changes) prefixed with the user id."""
    return f"{urlsafe_base64_encode(force_bytes(user.pk))}.{_password_reset_tokens.make_token(user)}"


def password_reset_user(token: str, users) -> object | None:
    """The user a reset token was made for, if it is still valid."""
    uid, _, secret = token.partition(".")
    try:
        user = users.filter(pk=int(force_str(urlsafe_base64_decode(uid)))).first()
    except (ValueError, TypeError, OverflowError):
        return None
    if user is None or not _password_reset_tokens.check_token(user, secret):
        return None
    return user


def _link(page: str, token: str) -> str:
    """The frontend's page, or (no FRONTEND_URL) the one this server serves (trackbase/accounts/pages.py).
    Tokens are URL-safe as they are (base64url, ':' and '.')."""
    return f"{settings.FRONTEND_URL or settings.PUBLIC_URL}/{page}?token={token}"


def verification_message(user, token: str) -> tuple[str, str]:
    link = _link("verify-email", token)
    body = (
        f"Hello {user.name},\n\nConfirm your email address by opening this link:\n{link}\n\n"
        f"Or send this token to POST /api/auth/verify-email/.\nToken: {token}\n\n"
        "The link is valid for 3 days. If you did not create an account, ignore this message.\n"
    )
    return "Confirm your email address", body


def password_reset_message(user, token: str) -> tuple[str, str]:
    link = _link("reset-password", token)
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    body = (
        f"Hello {user.name},\n\nSomeone asked to reset the password of your account. To choose a new one, open:\n"
        f"{link}\n\nOr send this token with your new password to POST /api/auth/password/reset/confirm/.\n"
        f"Token: {token}\n\nThe link is valid for {minutes} minutes and works once. "
        "If you did not ask for this, ignore this message: your password stays as it is.\n"
    )
    return "Reset your password", body
