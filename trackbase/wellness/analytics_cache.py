"""Analytics answers kept in the default cache (Redis when REDIS_URL is set, local memory otherwise), never stale.

An answer is stored with the versions of what it was computed from: its group's (a group's check-ins and
members) and/or its user's (the user's own check-ins, in every group). Every write that changes those moves
them: a check-in created, changed, deleted or imported, a member joining or leaving, a group or an account
deleted (services call `changed`). A stored answer whose versions are not the current ones is a miss and is
computed again, so no process ever serves an answer older than the last committed write.

As for the cached principal (accounts/principal.py), a version moves at once and again after commit: an answer
computed from the old rows between the two moves is stored under the first new version, which the second one
retires. A missing version (evicted, or a cold cache) is a fresh random one, which no stored answer carries.
"""

import os
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction

ANSWER_TTL_SECONDS = 3600
VERSION_TTL_SECONDS = 7 * 24 * 3600


def _version_keys(group_ids: Iterable[int], user_ids: Iterable[int]) -> list[str]:
    return [*(f"wellness:v:group:{pk}" for pk in group_ids), *(f"wellness:v:user:{pk}" for pk in user_ids)]


def _new_version() -> str:
    return os.urandom(8).hex()


def changed(*, group_ids: Iterable[int] = (), user_ids: Iterable[int] = ()) -> None:
    """Every cached answer computed from these groups' or users' check-ins is retired, now and after commit."""
    keys = _version_keys(group_ids, user_ids)
    if not keys:
        return

    def bump():
        cache.set_many({key: _new_version() for key in keys}, VERSION_TTL_SECONDS)

    bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump)  # outside a transaction the write is already committed: once is enough


def remembered(key: str, compute: Callable[[], dict], *, group_ids=(), user_ids=()) -> dict:
    """The answer stored under `key` if it was computed at the current versions of these groups and users,
    else `compute()`'s, stored. One cache round trip on a hit."""
    version_keys = _version_keys(group_ids, user_ids)
    found = cache.get_many([*version_keys, key])
    versions = {name: found.get(name) or _first_version(name) for name in version_keys}
    stored = found.get(key)
    if stored is not None and stored[0] == versions:
        return stored[1]
    answer = compute()
    cache.set(key, (versions, answer), ANSWER_TTL_SECONDS)
    return answer


def _first_version(name: str) -> str:
    version = _new_version()
    if cache.add(name, version, VERSION_TTL_SECONDS):
        return version
    return cache.get(name) or version
