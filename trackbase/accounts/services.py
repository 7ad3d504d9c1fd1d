"""Account writes: registration, sign-in, profile, password and email flows, admin user management."""

import re
import secrets
import zoneinfo

from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from trackbase.accounts import emails
from trackbase.accounts.models import Role, User
from trackbase.accounts.tasks import send_email
from trackbase.accounts.tokens import tokens_revoke_all
from trackbase.core.errors import DomainError, ValidationFailed

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.@+-]{3,150}$")
USERNAME_RULE = "3-150 characters: letters, digits and _ . @ + -"


class EmailAlreadyExists(DomainError):
    status, code, detail = 409, "EMAIL_ALREADY_EXISTS", "An account with this email already exists."


class UsernameAlreadyExists(DomainError):
    status, code, detail = 409, "USERNAME_ALREADY_EXISTS", "An account with this username already exists."


class InvalidCredentials(DomainError):
    status, code, detail = 401, "INVALID_CREDENTIALS", "The login or password is incorrect."


class InvalidResetToken(DomainError):
    code, detail = "RESET_TOKEN_INVALID", "The password reset token is invalid or expired."


class InvalidVerificationToken(DomainError):
    code, detail = "VERIFICATION_TOKEN_INVALID", "The email verification token is invalid or expired."


class CannotModifySelf(DomainError):
    status, code, detail = 403, "CANNOT_MODIFY_SELF", "Admins cannot change their own role or deactivate themselves."


def normalize_email(email: str | None) -> str | None:
    email = (email or "").strip().lower()
    return email or None


def user_register(
    *, password: str, username: str | None = None, email: str | None = None, first_name: str = "", last_name: str = ""
) -> User:
    """Create a USER account (never any other role) and send the email verification, if there is an email."""
    email = normalize_email(email)
    username = username or _username_from_email(email)
    _validate_username(username)
    _validate_password(password, User(username=username, email=email, first_name=first_name, last_name=last_name))
    _refuse_if_taken(email=email, username=username)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username, email, password, first_name=first_name, last_name=last_name, role=Role.USER
            )
    except IntegrityError:
        # Lost a race with a simultaneous registration: the unique constraints decided.
        _refuse_if_taken(email=email, username=username)
        raise UsernameAlreadyExists() from None
    if email:
        email_verification_send(user=user)
    return user


def _refuse_if_taken(*, email: str | None, username: str) -> None:
    """The email is asked about first, and again after the username: a racing registration with the
    same email may commit in between, and its (derived) username is not what this client sent."""

    def email_taken() -> bool:
        return bool(email) and User.objects.filter(email__iexact=email).exists()

    if email_taken():
        raise EmailAlreadyExists()
    if User.objects.filter(username__iexact=username).exists():
        raise EmailAlreadyExists() if email_taken() else UsernameAlreadyExists()


def user_login(*, login: str, password: str, request=None) -> User:
    """Check the credentials (username or email) and stamp the sign-in time."""
    user = authenticate(request, username=login.strip(), password=password)
    if user is None:
        raise InvalidCredentials()
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(last_login=now, last_login_at=now, last_active_at=now)
    user.last_login = user.last_login_at = user.last_active_at = now
    return user


def profile_update(*, user: User, **fields) -> User:
    """Update the caller's own profile. A new email must be verified again."""
    if "email" in fields:
        fields["email"] = normalize_email(fields["email"])
    if "username" in fields:
        _validate_username(fields["username"])
    if "timezone" in fields and fields["timezone"] not in zoneinfo.available_timezones():
        raise ValidationFailed(errors={"timezone": ["Unknown time zone; use an IANA name such as Europe/Berlin."]})
    email_changed = "email" in fields and fields["email"] != user.email
    if (
        email_changed
        and fields["email"]
        and User.objects.filter(email__iexact=fields["email"]).exclude(pk=user.pk).exists()
    ):
        raise EmailAlreadyExists()
    if "username" in fields and User.objects.filter(username__iexact=fields["username"]).exclude(pk=user.pk).exists():
        raise UsernameAlreadyExists()
    for name, value in fields.items():
        setattr(user, name, value)
    if email_changed:
        user.email_verified = False
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise EmailAlreadyExists() if email_changed else UsernameAlreadyExists() from None
    if email_changed and user.email:
        email_verification_send(user=user)
    return user


def email_verification_send(*, user: User) -> None:
    subject, body = emails.verification_message(user, emails.email_verification_token(user))
    _send_after_commit(to=user.email, subject=subject, body=body)


def email_verify(*, token: str) -> User:
    """Mark the email verified if the token was made for the account's current email."""
    payload = emails.email_verification_payload(token)
    user = User.objects.filter(pk=payload["user"], email=payload["email"]).first() if payload else None
    if user is None:
        raise InvalidVerificationToken()
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified", "updated_at"])
    return user


def password_reset_request(*, email: str) -> None:
    """Email a reset token if an active account has this email; say nothing either way."""
    user = User.objects.filter(email__iexact=normalize_email(email), is_active=True).first()
    if user is None:
        return
    subject, body = emails.password_reset_message(user, emails.password_reset_token(user))
    _send_after_commit(to=user.email, subject=subject, body=body)


def password_reset_confirm(*, token: str, new_password: str) -> User:
    """Set a new password with a reset token; the token is spent and every session ends."""
    user = emails.password_reset_user(token, User.objects.filter(is_active=True))
    if user is None:
        raise InvalidResetToken()
    _set_password(user=user, password=new_password, field="new_password")
    return user


def password_change(*, user: User, current_password: str, new_password: str) -> User:
    if not user.check_password(current_password):
        raise ValidationFailed(errors={"current_password": ["The current password is incorrect."]})
    _set_password(user=user, password=new_password, field="new_password")
    return user


def user_set_role(*, actor: User, user: User, role: str) -> User:
    """Admin only: grant or withdraw WORKER / ADMIN."""
    if actor.pk == user.pk:
        raise CannotModifySelf()
    user.role = role
    user.is_staff = user.is_superuser or role == Role.ADMIN
    user.save(update_fields=["role", "is_staff", "updated_at"])
    return user


def user_set_active(*, actor: User, user: User, is_active: bool) -> User:
    """Admin only: deactivate (every session ends at once) or reactivate an account."""
    if actor.pk == user.pk:
        raise CannotModifySelf()
    with transaction.atomic():
        user.is_active = is_active
        user.save(update_fields=["is_active", "updated_at"])
        if not is_active:
            tokens_revoke_all(user_id=user.pk)
    return user


def _set_password(*, user: User, password: str, field: str) -> None:
    _validate_password(password, user, field=field)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password", "updated_at"])
        tokens_revoke_all(user_id=user.pk)


def _send_after_commit(*, to: str, subject: str, body: str) -> None:
    transaction.on_commit(lambda: send_email.enqueue(to=to, subject=subject, body=body))


def _validate_password(password: str, user: User, *, field: str = "password") -> None:
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(errors={field: list(exc.messages)}) from None


def _validate_username(username: str) -> None:
    if not USERNAME_PATTERN.match(username or ""):
        raise ValidationFailed(errors={"username": [f"Invalid username: {USERNAME_RULE}."]})


def _username_from_email(email: str | None) -> str:
    if not email:
        raise ValidationFailed(errors={"username": ["Give a username or an email address."]})
    base = re.sub(r"[^A-Za-z0-9_.+-]", "", email.split("@")[0])[:30] or "user"
    base = base if len(base) >= 3 else f"{base}_user"
    candidate = base
    while User.objects.filter(username__iexact=candidate).exists():
        candidate = f"{base}_{secrets.randbelow(10**6):06d}"
    return candidate
