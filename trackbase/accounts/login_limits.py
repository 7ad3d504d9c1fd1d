"""How many password guesses a sign-in allows: failed attempts are limited per account and per address.

What counts
- Only failures. Each attempt is claimed (counted) before the password is checked, so a burst of parallel
  guesses cannot slip past the limit, and a success gives its claim back: an office behind one NAT
  address can sign in all day, and a successful sign-in never spends anyone's allowance.
- Per address: at most THROTTLE_LOGIN failures (e.g. "10/min") from one client address in a window,
  whatever the accounts. The address is DRF's, so X-Forwarded-For counts only as TRUSTED_PROXY_COUNT says.
  A success does not reset it (an attacker would sign in to an account of their own between guesses).
- Per account: LOGIN_FAILURES_BEFORE_BACKOFF failures are free; from then on every attempt waits
  LOGIN_BACKOFF_SECONDS, doubling with each further failure, at most LOGIN_BACKOFF_MAX_SECONDS. This is
  what a password-spraying botnet meets: the account's limit holds whatever the number of addresses.
  The account is the user a login names (username or email, as the backend resolves it), so both
  spellings share one count; a login that names nobody is counted under its own name, and answers
  exactly like a real one, so the limit does not tell which accounts exist. Failures are forgotten a
  day after the first one, or at the account's next successful sign-in.

What an attacker cannot take away (an attacker can always slow password sign-in to one try per
LOGIN_BACKOFF_MAX_SECONDS for an account whose login they know; that is the price of limiting guesses)
- Password reset is not limited by an account's failures, and a completed reset (or a password change)
  lifts the account's back-off at once: the owner is never more than an email away from signing in.
- Sessions already open (access and refresh tokens) are not touched by failed sign-ins.
- The back-off is capped, and each further failure still has to be earned one wait at a time.

The counts live in the cache (Redis in production: shared by every process; atomic add/incr).
"""

import contextlib
import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from trackbase.core.errors import DomainError
from trackbase.core.throttles import counter_incr

FAILURE_MEMORY_SECONDS = 24 * 3600
PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}  # DRF's rate periods
THROTTLED_DETAIL = "Too many failed sign-in attempts. Try again later, or reset your password."


class LoginThrottled(DomainError):
    status, code, detail = 429, "LOGIN_THROTTLED", THROTTLED_DETAIL

    def __init__(self, wait: float):
        super().__init__()
        self.wait = max(1, math.ceil(wait))
        self.headers = {"Retry-After": str(self.wait)}


@dataclass(frozen=True)
class Attempt:
    """A claimed sign-in attempt: what to give back if it succeeds."""

    account_key: str
    address_key: str | None


def client_address(request) -> str | None:
    """The client's address as the throttles see it (forwarded headers only as TRUSTED_PROXY_COUNT says)."""
    return BaseThrottle().get_ident(request) if request is not None else None


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _backoff(failures: int) -> int:
    doublings = failures - settings.LOGIN_FAILURES_BEFORE_BACKOFF
    return min(settings.LOGIN_BACKOFF_SECONDS * 2 ** min(doublings, 32), settings.LOGIN_BACKOFF_MAX_SECONDS)


def _address_rate() -> tuple[int, int]:
    """THROTTLE_LOGIN ("10/min") as (failures, seconds), read where every DRF throttle reads its rate."""
    count, period = SimpleRateThrottle.THROTTLE_RATES["login"].split("/")
    return int(count), PERIOD_SECONDS[period[0]]


def _claim_address(address: str, now: float) -> str:
    limit, duration = _address_rate()
    window = int(now // duration)
    key = f"login:address:{_digest(address)}:{window}"
    if counter_incr(key, duration) > limit:
        cache.decr(key)
        raise LoginThrottled(wait=(window + 1) * duration - now)
    return key


def _claim_account(account: str, now: float) -> str:
    key = f"login:account:{_digest(account)}"
    lock_key = f"{key}:until"
    until = cache.get(lock_key)
    if until is not None and now < until:
        raise LoginThrottled(wait=until - now)
    failures = counter_incr(key, FAILURE_MEMORY_SECONDS)
    if failures < settings.LOGIN_FAILURES_BEFORE_BACKOFF:
        return key
    # From here on each attempt must take the lock that makes the next one wait. add() is atomic: of
    # parallel attempts only one gets it. A lock whose time is up but whose key is still there (the
    # cache's clock and ours disagree, as in tests with a frozen clock) is taken over.
    wait = _backoff(failures)
    if not cache.add(lock_key, now + wait, wait):
        until = cache.get(lock_key)
        if until is not None and now < until:
            cache.decr(key)
            raise LoginThrottled(wait=until - now)
        cache.set(lock_key, now + wait, wait)
    return key


def attempt_begin(*, account: str, address: str | None) -> Attempt:
    """Claim one sign-in attempt for `account` (see account_key) from `address`, counted as a failure
    until attempt_succeeded says otherwise. Raises LoginThrottled when either limit says wait."""
    now = time.time()
    address_key = _claim_address(address, now) if address else None
    try:
        account_key = _claim_account(account, now)
    except LoginThrottled:
        if address_key:
            cache.decr(address_key)  # refused before any password was checked: not a guess
        raise
    return Attempt(account_key=account_key, address_key=address_key)


def attempt_succeeded(attempt: Attempt) -> None:
    """The password was right: the attempt is no failure, and the account's failures are forgotten."""
    if attempt.address_key:
        with contextlib.suppress(ValueError):  # the window ended meanwhile
            cache.decr(attempt.address_key)
    account_failures_clear(account=attempt.account_key, hashed=True)


def account_failures_clear(*, account: str, hashed: bool = False) -> None:
    """Forget an account's failed sign-ins and lift its back-off (a success, a password reset)."""
    key = account if hashed else f"login:account:{_digest(account)}"
    cache.delete_many([key, f"{key}:until"])
