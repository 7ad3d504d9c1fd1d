"""Who a token belongs to, without a user query per request: the cached principal and its invalidation.

A principal is the few facts authentication checks (user id, role, active flag, staff flags and the
password-hash claim access tokens carry), kept in the default cache: Redis when REDIS_URL is set, so
every process shares it, local memory in the embedded single process.

Invalidation is versioned. Each user has a version key holding a random token; a principal is stored
with the version it was read under, and is only used while that version is still current. Every event
that must take effect at once (deactivation, role change, password change or reset, session
revocation; in fact any save of the user row) writes a new version at once and again *after commit*, so a
request on any process reads the row again on its next request, and no state older than the commit stays
cached. A missing version (evicted, or a cold cache) is a fresh random one: the principal is reloaded,
never trusted. Principals also expire after PRINCIPAL_TTL_SECONDS, which bounds what a change made behind the
ORM's back (raw SQL) can leave stale.

Session revocation ("log out everywhere", refresh-token reuse, password change) also records the second
it happened: access tokens issued before it stop working at once, instead of living out their 15
minutes. That record lives in the cache only (for the access token's lifetime); refresh tokens are
blacklisted in the database as before.
"""

import functools
import os
import time
from dataclasses import dataclass, replace
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import transaction
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import get_md5_hash_password

PRINCIPAL_TTL_SECONDS = 300
VERSION_TTL_SECONDS = 24 * 3600
# The user fields a principal carries; any other field of request.user is loaded from the database on first use.
FIELDS = ("id", "username", "role", "is_active", "is_staff", "is_superuser", "last_active_at")


@dataclass(frozen=True)
class Principal:
    id: int
    username: str
    role: str
    is_active: bool
    is_staff: bool
    is_superuser: bool
    last_active_at: datetime | None
    password_claim: str
    version: str

    def as_user(self):
        """A User instance from the cached fields, as `User.objects.only(*FIELDS)` would give (others deferred)."""
        model = get_user_model()
        names = _field_order(model)
        return model.from_db("default", names, [getattr(self, name) for name in names])


@functools.cache
def _field_order(model) -> tuple[str, ...]:
    """FIELDS in the model's field order, as from_db takes them (computed once, not per request)."""
    return tuple(field.attname for field in model._meta.concrete_fields if field.attname in FIELDS)


def _cache():
    return caches["default"]


def _version_key(user_id) -> str:
    return f"principal:v:{user_id}"


# Part of the key: a deploy that changes Principal's fields starts from fresh entries, never unpickles old ones.
PRINCIPAL_SCHEMA = 1


def _principal_key(user_id) -> str:
    return f"principal:{PRINCIPAL_SCHEMA}:{user_id}"


def _revoked_key(user_id) -> str:
    return f"principal:revoked:{user_id}"


def _new_version() -> str:
    return os.urandom(8).hex()


def principal_get(user_id) -> tuple[Principal | None, int | None]:
    """(the user's principal or None if there is no such user, the second their sessions were last revoked)."""
    cache = _cache()
    version_key, principal_key, revoked_key = _version_key(user_id), _principal_key(user_id), _revoked_key(user_id)
    found = cache.get_many([version_key, principal_key, revoked_key])
    version, principal, revoked = found.get(version_key), found.get(principal_key), found.get(revoked_key)
    if principal is not None and version is not None and principal.version == version:
        return principal, revoked
    if version is None:
        version = _new_version()
        if not cache.add(version_key, version, VERSION_TTL_SECONDS):
            version = cache.get(version_key) or version
    principal = _load(user_id, version)
    if principal is not None:
        cache.set(principal_key, principal, PRINCIPAL_TTL_SECONDS)
    return principal, revoked


def _load(user_id, version: str) -> Principal | None:
    row = get_user_model().objects.filter(pk=user_id).values_list(*FIELDS, "password").first()
    if row is None:
        return None
    *fields, password = row
    return Principal(*fields, password_claim=get_md5_hash_password(password), version=version)


def principal_touch(principal: Principal, last_active_at: datetime) -> None:
    """Keep the cached copy's activity stamp fresh after it was written to the database (same version)."""
    _cache().set(_principal_key(principal.id), replace(principal, last_active_at=last_active_at), PRINCIPAL_TTL_SECONDS)


def principal_invalidate(user_id) -> None:
    """Every process reads the user row again on its next request.

    The version moves now and again after commit: a request that reloads in between still reads the old,
    committed row and caches it under the first new version, which the second move retires."""

    def bump():
        _cache().set(_version_key(user_id), _new_version(), VERSION_TTL_SECONDS)

    bump()
    transaction.on_commit(bump)


def principal_sessions_revoked(user_id) -> None:
    """Access tokens of this user issued before this second stop working, on every process."""
    lifetime = int(api_settings.ACCESS_TOKEN_LIFETIME.total_seconds()) + 60
    _cache().set(_revoked_key(user_id), int(time.time()), lifetime)
    principal_invalidate(user_id)


def token_predates_revocation(validated_token, revoked_at: int | None) -> bool:
    # Whole seconds, as the token's `iat`: a token minted in the same second as the revocation (the new pair a
    # password change hands out) stays valid.
    return revoked_at is not None and int(validated_token.get("iat", 0)) < revoked_at


def full_user(user):
    """The complete User row for views that show or edit it (profile); request.user carries only FIELDS."""
    if user.get_deferred_fields():
        return get_user_model().objects.get(pk=user.pk)
    return user
