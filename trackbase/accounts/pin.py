"""PIN accounts (HuCares): a 4-digit PIN hashed like a password, and a per-account lockout.

Ten thousand PINs are guessed in minutes, so the lockout is the real protection: 5 wrong PINs on one
account within PIN_WINDOW lock that account's PIN login for PIN_LOCK, whichever addresses the guesses
come from. The counters live in the cache (Redis in production), shared by every worker process.
"""

import math
import re
import time
from datetime import timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from trackbase.accounts.models import Role, User
from trackbase.accounts.services import (
    InvalidCredentials,
    UsernameAlreadyExists,
    _refuse_if_taken,
    _validate_username,
)
from trackbase.core.errors import DomainError

PIN_PATTERN = re.compile(r"[0-9]{4}")
PIN_MAX_FAILURES = 5
PIN_WINDOW = timedelta(minutes=15)
PIN_LOCK = timedelta(minutes=15)
FAILURE_BUCKET_SECONDS = 60
PIN_RULE = "The PIN is exactly 4 digits."


class AccountLocked(DomainError):
    status, code = 429, "ACCOUNT_LOCKED"
    detail = "Too many wrong PINs: PIN login for this account is locked for a while."

    def __init__(self, retry_after: int):
        super().__init__()
        self.retry_after = retry_after


class InvalidPin(DomainError):
    status, code, detail = 400, "VALIDATION_ERROR", PIN_RULE


class CurrentCredentialWrong(DomainError):
    status, code, detail = 401, "INVALID_CREDENTIALS", "The current password or PIN is incorrect."


def is_pin(value: str | None) -> bool:
    return bool(value) and PIN_PATTERN.fullmatch(value) is not None


def _require_pin(pin: str, field: str = "pin") -> None:
    if not is_pin(pin):
        raise InvalidPin(errors={field: [PIN_RULE]})


def pin_account_register(*, username: str, pin: str) -> User:
    """A USER account without email or password: it signs in with its username and PIN."""
    _validate_username(username)
    _require_pin(pin)
    _refuse_if_taken(email=None, username=username)
    try:
        with transaction.atomic():
            user = User.objects.create_user(username, None, None, role=Role.USER, pin_hash=make_password(pin))
    except IntegrityError:
        raise UsernameAlreadyExists() from None
    return user


def pin_login(*, username: str, pin: str) -> User:
    """Check a username (or an account's email) + PIN; wrong PINs count towards the account's lockout."""
    login = (username or "").strip()
    users = User.objects.filter(is_active=True)
    user = users.filter(username__iexact=login).first() or (
        users.filter(email__iexact=login).first() if "@" in login else None
    )
    if user is None or not user.pin_hash:
        make_password(pin or "0000")  # the same cost as a real check: timing does not reveal accounts
        raise InvalidCredentials()
    _refuse_if_locked(user.pk)
    if not check_password(pin or "", user.pin_hash):
        _count_failure(user.pk)
        raise InvalidCredentials()
    _forget_failures(user.pk)
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(last_login=now, last_login_at=now, last_active_at=now)
    user.last_login = user.last_login_at = user.last_active_at = now
    return user


def pin_set(*, user: User, pin: str, current_password: str | None = None, current_pin: str | None = None) -> User:
    """Set or change the PIN; proven by the current PIN or the password (an account with neither may set one)."""
    _require_pin(pin)
    if not _proves_identity(user, current_password=current_password, current_pin=current_pin):
        raise CurrentCredentialWrong()
    user.pin_hash = make_password(pin)
    user.save(update_fields=["pin_hash", "updated_at"])
    _forget_failures(user.pk)
    return user


def _proves_identity(user: User, *, current_password: str | None, current_pin: str | None) -> bool:
    if user.pin_hash and current_pin is not None:
        return check_password(current_pin, user.pin_hash)
    if user.has_usable_password() and current_password is not None:
        return user.check_password(current_password)
    return not user.pin_hash and not user.has_usable_password()


def _bucket_keys(user_id: int) -> list[str]:
    """The failure counters of the last PIN_WINDOW, one per minute. Minute buckets on this process's clock
    (not the cache's expiry) make the window exact to a minute and identical on Redis and in local memory."""
    now = int(time.time() // FAILURE_BUCKET_SECONDS)
    buckets = int(PIN_WINDOW.total_seconds() // FAILURE_BUCKET_SECONDS)
    return [f"pin:failures:{user_id}:{index}" for index in range(now - buckets + 1, now + 1)]


def _forget_failures(user_id: int) -> None:
    cache.delete_many(_bucket_keys(user_id))


def _lock_key(user_id: int) -> str:
    return f"pin:locked-until:{user_id}"


def _refuse_if_locked(user_id: int) -> None:
    until = cache.get(_lock_key(user_id))
    if until is not None and until > time.time():
        raise AccountLocked(retry_after=max(1, math.ceil(until - time.time())))


def _count_failure(user_id: int) -> None:
    keys = _bucket_keys(user_id)
    expiry = int(PIN_WINDOW.total_seconds()) + 2 * FAILURE_BUCKET_SECONDS  # clean-up only
    # add() then incr(): atomic on Redis and in local memory, so parallel guesses all count.
    cache.add(keys[-1], 0, timeout=expiry)
    try:
        cache.incr(keys[-1])
    except ValueError:  # evicted between add() and incr()
        cache.add(keys[-1], 1, timeout=expiry)
    if sum(cache.get_many(keys).values()) >= PIN_MAX_FAILURES:
        lock = int(PIN_LOCK.total_seconds())
        cache.set(_lock_key(user_id), time.time() + lock, timeout=lock + FAILURE_BUCKET_SECONDS)
        _forget_failures(user_id)
