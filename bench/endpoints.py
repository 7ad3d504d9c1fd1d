"""What the bench measures: one Endpoint per line. Add an endpoint here and it is benchmarked.

A request template may contain `$V`: each request gets the next value from the endpoint's pool
(see bench/seed.py), substituted in the path, body and headers; a value of tab-separated fields also
fills `$V1`, `$V2`, ... (bench/lua/pool.lua does the same). A cycling pool (usernames, access tokens)
is reused round-robin; a single-use pool (rotating refresh tokens) hands each value out once.
"""

import re
from dataclasses import dataclass, field

SEED_PASSWORD = "Bench-Passw0rd!"  # every seeded user's password (one argon2 hash, computed once)
# Pools whose values work once (a rotated refresh token presented again revokes the account's tokens):
# they are minted just before each phase of their endpoint, sized from the rates measured in the run.
SINGLE_USE_POOLS = {"refresh", "checkin-groups"}


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    ceiling: str | None  # name of the ceiling endpoint this one is compared with; None for a ceiling
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    pool: str | None = None  # a pool name from bench.seed.POOLS
    default: bool = True  # run when --endpoints is not given
    expected: int | None = None  # the status every response should have, when it is not a 2xx


_PLACEHOLDER = re.compile(r"\$V(\d?)")


def fill(template: str, value: str) -> str:
    """A template with a pool value in place of `$V` (and its tab-separated fields in place of `$V1`...)."""
    fields = value.split("\t")

    def field_for(match: re.Match) -> str:
        n = match.group(1)
        return value if not n else (fields[int(n) - 1] if 0 < int(n) <= len(fields) else "")

    return _PLACEHOLDER.sub(field_for, template)


JSON = {"Content-Type": "application/json"}
BEARER = {"Authorization": "Bearer $V"}

CEILINGS = [
    Endpoint("bare", "GET", "/bench/bare/", ceiling=None),
    Endpoint("bare-auth", "GET", "/bench/bare-auth/", ceiling=None, headers=BEARER, pool="access"),
]

ENDPOINTS = [
    Endpoint("health", "GET", "/health/", ceiling="bare", default=False),
    # No token on an authenticated endpoint: the 401 every client error pays (the goals run compares it with
    # plain DRF's; every response is a 401, which the errors column counts).
    Endpoint("unauth-401", "GET", "/api/bookings/my/", ceiling="bare", default=False, expected=401),
    Endpoint(
        "login",
        "POST",
        "/api/auth/login/",
        ceiling="bare",
        body=f'{{"username":"$V","password":"{SEED_PASSWORD}"}}',
        headers=JSON,
        pool="usernames",
    ),
    Endpoint(
        "refresh",
        "POST",
        "/api/auth/token/refresh/",
        ceiling="bare",
        body='{"refresh":"$V"}',
        headers=JSON,
        pool="refresh",
    ),
    Endpoint("profile", "GET", "/api/profile/", ceiling="bare-auth", headers=BEARER, pool="access"),
    # bench/rail_data.py seeds about 100 trains on this route, among 10,000 on 100 routes.
    Endpoint(
        "search",
        "GET",
        "/api/trains/search/?source=DEL&destination=BOM&limit=10",
        ceiling="bare-auth",
        headers=BEARER,
        pool="access",
    ),
    # The same search over all 100 seeded routes in turn: what the search cache is worth when its hit rate is
    # not the single route's near 100% (RAIL_SEARCH_CACHE_SECONDS).
    Endpoint(
        "search-routes",
        "GET",
        "/api/trains/search/$V2",
        ceiling="bare-auth",
        headers={"Authorization": "Bearer $V1"},
        pool="search-routes",
    ),
    # Every seeded user holds 5 to 20 bookings: one page of up to 20, each with its train.
    Endpoint("my-bookings", "GET", "/api/bookings/my/", ceiling="bare-auth", headers=BEARER, pool="access"),
    # Travel (bench/travel_data.py, seeded only when one of these is chosen; `--endpoints travel` picks them all).
    # Schengen status for today: each of the 10 travellers (years of history, about 387 segments a year)
    # calculated once, then answered from UserVisaStatus until their segments change or the day turns.
    Endpoint(
        "schengen-status",
        "GET",
        "/api/calculations/schengen/",
        ceiling="bare-auth",
        headers=BEARER,
        pool="travellers",
        default=False,
    ),
    # The same on yesterday: never cached, so every request reads all the user's segments and calculates.
    Endpoint(
        "schengen-status-calc",
        "GET",
        "/api/calculations/schengen/?date=$V2",
        ceiling="bare-auth",
        headers={"Authorization": "Bearer $V1"},
        pool="travellers-past",
        default=False,
    ),
    # Sync of one user with --sync-segments segments (and 1,000 tombstones), one change a minute: a device
    # that synced an hour ago (about 60 changes, one page) ...
    Endpoint(
        "sync-recent",
        "GET",
        "/api/travel-segments/?updated_since=$V2&limit=100",
        ceiling="bare-auth",
        headers={"Authorization": "Bearer $V1"},
        pool="sync-recent",
        default=False,
    ),
    # ... a new device's first page (every change since long ago: counts them all) ...
    Endpoint(
        "sync-first-page",
        "GET",
        "/api/travel-segments/?updated_since=$V2&limit=100",
        ceiling="bare-auth",
        headers={"Authorization": "Bearer $V1"},
        pool="sync-full",
        default=False,
    ),
    # ... and every page of that full sync in turn (offset 0 to the end, 100 at a time).
    Endpoint(
        "sync-pages",
        "GET",
        "/api/travel-segments/?updated_since=$V2&limit=100&offset=$V3",
        ceiling="bare-auth",
        headers={"Authorization": "Bearer $V1"},
        pool="sync-pages",
        default=False,
    ),
    # HuCares (issue 9), run by `python -m bench.wellness`. A check-in per request, each in a fresh one-member
    # group (bench/seed.py's single-use "checkin-groups" pool): one per user, group and week.
    Endpoint(
        "checkin-create",
        "POST",
        "/api/v1/checkins",
        ceiling="bare-auth",
        body='{"groupId":$V2,"productive":8,"satisfied":7,"body":6,"care":9,"notes":"bench"}',
        headers={"Authorization": "Bearer $V1", **JSON},
        pool="checkin-groups",
        default=False,
    ),
    # One group of 50 members with a check-in each every week for 2 years (5,200 rows), all 104 weeks asked.
    Endpoint(
        "group-analytics",
        "GET",
        "/api/v1/analytics/group/$V2?weeks=104",
        ceiling="bare-auth",
        headers={"Authorization": "Bearer $V1"},
        pool="group-analytics",
        default=False,
    ),
]
# Pools that need the travel data seeded (bench.seed setup --travel-years).
TRAVEL_POOLS = {"travellers", "travellers-past", "sync-recent", "sync-full", "sync-pages"}
GROUPS = {"travel": [endpoint.name for endpoint in ENDPOINTS if endpoint.pool in TRAVEL_POOLS]}

BY_NAME = {endpoint.name: endpoint for endpoint in CEILINGS + ENDPOINTS}


def select(names: list[str] | None) -> list[Endpoint]:
    """The ceilings the chosen endpoints are compared with, then the chosen endpoints (default: all default ones).
    A group name (GROUPS) stands for its endpoints."""
    if not names:
        return CEILINGS + [endpoint for endpoint in ENDPOINTS if endpoint.default]
    names = [member for name in names for member in GROUPS.get(name, [name])]
    unknown = sorted(set(names) - BY_NAME.keys())
    if unknown:
        choices = ", ".join([*BY_NAME, *GROUPS])
        raise SystemExit(f"unknown endpoint(s): {', '.join(unknown)}; choose from {choices}")
    chosen = [BY_NAME[name] for name in names]
    needed = {endpoint.ceiling for endpoint in chosen if endpoint.ceiling}
    return [c for c in CEILINGS if c.name in needed or c in chosen] + [e for e in chosen if e.ceiling]
