"""Seeding and value pools, run inside Django as `python -m bench.seed ...` by the harness.

`setup` creates the users and the rail data (bench/rail_data.py), and with `--travel-years` the travel
data (bench/travel_data.py); `mint` writes a pool file, one value
per line: a cycling pool (usernames, access tokens) once per run, a single-use pool (fresh refresh
tokens) right before each phase that consumes it; `audit` prints one train's seat accounting.
"""

import argparse
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, timedelta
from pathlib import Path

USERNAME_PREFIX = "bench_user_"


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def users_create(*, count: int, password: str) -> None:
    """Create `count` users sharing one password hash: argon2 is slow by design, so it is hashed once."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    user_model = get_user_model()
    password_hash = make_password(password)
    # Stamped active now: JWT authentication rewrites last_active_at at most every few minutes per user,
    # so a steady-state client never pays that UPDATE inside a run this short. Unstamped, the first
    # request of each of the thousands of users would, and the run would measure a cold start instead.
    now = timezone.now()
    users = [
        user_model(username=f"{USERNAME_PREFIX}{i:05d}", email=f"{USERNAME_PREFIX}{i:05d}@bench.invalid")
        for i in range(count)
    ]
    for user in users:
        user.password, user.last_active_at = password_hash, now
    user_model.objects.bulk_create(users, batch_size=1000)


def _users():
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(username__startswith=USERNAME_PREFIX).order_by("pk"))


def _spread(users: list, count: int) -> list:
    return [users[i % len(users)] for i in range(count)]


def pool_usernames(count: int) -> list[str]:
    return [user.username for user in _spread(_users(), count)]


def _tokens(users: list, count: int) -> list[str]:
    from rest_framework_simplejwt.settings import api_settings

    token_class = api_settings.AUTH_TOKEN_CLASSES[0]
    return [str(token_class.for_user(user)) for user in _spread(users, count)]


def pool_access(count: int) -> list[str]:
    return _tokens(_users(), count)


def pool_refresh(count: int) -> list[str]:
    """Fresh refresh tokens, as trackbase.accounts.tokens.tokens_issue makes them, spread over every user.

    RefreshToken.for_user inserts one OutstandingToken per call; this makes the same token and the same
    row, inserted in bulk: one round trip per batch instead of one per token.
    """
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
    from rest_framework_simplejwt.tokens import BlacklistMixin, RefreshToken
    from rest_framework_simplejwt.utils import datetime_from_epoch

    values, rows = [], []
    for user in _spread(_users(), count):
        token = super(BlacklistMixin, RefreshToken).for_user(user)  # the token, without its row
        values.append(str(token))
        rows.append(
            OutstandingToken(
                user=user,
                jti=token["jti"],
                token=values[-1],
                created_at=token.current_time,
                expires_at=datetime_from_epoch(token["exp"]),
            )
        )
    OutstandingToken.objects.bulk_create(rows, batch_size=2000)
    return values


def pool_search_routes(count: int) -> list[str]:
    """`access token<TAB>query string`: the users' tokens, each with the next of the seeded routes."""
    from bench.rail_data import routes

    pairs = routes()
    return [
        f"{token}\t?source={pairs[i % len(pairs)][0]}&destination={pairs[i % len(pairs)][1]}&limit=10"
        for i, token in enumerate(pool_access(count))
    ]


def _instant(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # no "+", which a query string would decode


def pool_travellers(count: int) -> list[str]:
    """Access tokens of the users with years of travel history (bench/travel_data.py)."""
    from bench import travel_data

    return _tokens(travel_data.travellers(), count)


def pool_travellers_past(count: int) -> list[str]:
    """`access token<TAB>yesterday`: a check date other than today is calculated on every request."""
    from django.utils import timezone

    yesterday = (timezone.now() - timedelta(days=1)).date().isoformat()
    return [f"{token}\t{yesterday}" for token in pool_travellers(count)]


def pool_sync(count: int) -> list[str]:
    """Access tokens of the user with the large sync history."""
    from bench import travel_data

    return _tokens([travel_data.sync_user()], count)


def pool_sync_recent(count: int) -> list[str]:
    """`access token<TAB>instant`: a device that last synced an hour before the newest change."""
    from bench import travel_data

    since = _instant(travel_data.seeded_at() - travel_data.SYNC_RECENT)
    return [f"{token}\t{since}" for token in pool_sync(count)]


def pool_sync_full(count: int) -> list[str]:
    """`access token<TAB>instant`: a new device catching up on the whole history (from its oldest change)."""
    from bench import travel_data

    since = _instant(travel_data.sync_started_at())
    return [f"{token}\t{since}" for token in pool_sync(count)]


def pool_sync_pages(count: int) -> list[str]:
    """`access token<TAB>instant<TAB>offset`: a new device paging through the whole history, every page in turn."""
    from bench import travel_data

    pages = -(-travel_data.sync_total() // travel_data.SYNC_PAGE)
    values = enumerate(pool_sync_full(count))
    return [f"{value}\t{(i % pages) * travel_data.SYNC_PAGE}" for i, value in values]


# HuCares (wellness, issue 9). Check-ins are one per user, group and week: each `checkin-create` request
# needs a (user, group) pair that has not checked in this week, so that pool is single-use and every value
# is a fresh one-member group of a seeded user (the users are spread, so each belongs to many groups).
WELLNESS_GROUP_PREFIX = "bench-checkin-"
ANALYTICS_GROUP_NAME = "bench-analytics"
ANALYTICS_MEMBERS = 50
ANALYTICS_WEEKS = 104  # 2 years: the largest range the analytics endpoints take (?weeks=104)


def _wellness_groups(names: list[str], *, max_members: int) -> list:
    """Groups created in bulk, each with a fresh unique access code, as group_create would make them."""
    from trackbase.wellness import rules
    from trackbase.wellness.models import Group

    codes: set[str] = set()
    while len(codes) < len(names):
        codes.add(rules.new_access_code())
    codes -= set(Group.objects.filter(access_code__in=codes).values_list("access_code", flat=True))
    while len(codes) < len(names):
        codes.add(rules.new_access_code())
    groups = [
        Group(name=name, access_code=code, max_members=max_members)
        for name, code in zip(names, sorted(codes), strict=False)
    ]
    return Group.objects.bulk_create(groups, batch_size=2000)


def pool_checkin_groups(count: int) -> list[str]:
    """`access token<TAB>group id`: a new group per value whose only member (its admin) is a seeded user."""
    from rest_framework_simplejwt.tokens import AccessToken

    from trackbase.wellness.models import Group, Membership, Role

    users = _spread(_users(), count)
    start = Group.objects.filter(name__startswith=WELLNESS_GROUP_PREFIX).count()
    groups = _wellness_groups([f"{WELLNESS_GROUP_PREFIX}{start + i}" for i in range(count)], max_members=20)
    Membership.objects.bulk_create(
        [Membership(group=group, user=user, role=Role.ADMIN) for group, user in zip(groups, users, strict=True)],
        batch_size=2000,
    )
    Group.objects.filter(pk__in=[group.pk for group in groups]).update(member_count=1)
    tokens: dict[int, str] = {}
    for user in users:
        if user.pk not in tokens:
            tokens[user.pk] = str(AccessToken.for_user(user))
    return [f"{tokens[user.pk]}\t{group.pk}" for group, user in zip(groups, users, strict=True)]


def analytics_group_create() -> tuple[object, list]:
    """One group of ANALYTICS_MEMBERS seeded users, all members for 2 years, each with a check-in in every
    one of the last ANALYTICS_WEEKS weeks (50 x 104 = 5,200 rows); made once, on the first call."""
    import random
    from datetime import timedelta

    from django.utils import timezone

    from trackbase.wellness import rules
    from trackbase.wellness.models import CheckIn, Group, Membership, Role

    members = _users()[:ANALYTICS_MEMBERS]
    group = Group.objects.filter(name=ANALYTICS_GROUP_NAME).first()
    if group is not None:
        return group, members
    (group,) = _wellness_groups([ANALYTICS_GROUP_NAME], max_members=ANALYTICS_MEMBERS)
    now = timezone.now()
    Membership.objects.bulk_create(
        [
            Membership(group=group, user=user, role=Role.ADMIN if i == 0 else Role.MEMBER)
            for i, user in enumerate(members)
        ]
    )
    # auto_now_add stamps now; the members joined 2 years ago, so every week's participation counts them.
    Membership.objects.filter(group=group).update(joined_at=now - timedelta(weeks=ANALYTICS_WEEKS + 1))
    Group.objects.filter(pk=group.pk).update(member_count=len(members))
    this_week = rules.week_start(now, group.timezone)
    rng = random.Random(9)
    rows = []
    for week in range(ANALYTICS_WEEKS):
        monday = this_week - timedelta(weeks=week)
        for user in members:
            scores = {name: rng.randint(1, 10) for name in ("productive", "satisfied", "body", "care")}
            rows.append(
                CheckIn(
                    user=user,
                    group=group,
                    week_start_date=monday,
                    submitted_at=now - timedelta(weeks=week),
                    is_private=rng.random() < 0.05,
                    hu_cares_score=rules.hu_cares_score(**scores),
                    **scores,
                )
            )
    CheckIn.objects.bulk_create(rows, batch_size=2000)
    return group, members


def pool_group_analytics(count: int) -> list[str]:
    """`access token<TAB>group id`: the analytics group's members in turn (the group is seeded on first use)."""
    from rest_framework_simplejwt.tokens import AccessToken

    group, members = analytics_group_create()
    tokens = [str(AccessToken.for_user(user)) for user in members]
    return [f"{tokens[i % len(tokens)]}\t{group.pk}" for i in range(count)]


POOLS: dict[str, Callable[[int], list[str]]] = {
    "usernames": pool_usernames,
    "access": pool_access,
    "refresh": pool_refresh,
    "search-routes": pool_search_routes,
    "travellers": pool_travellers,
    "travellers-past": pool_travellers_past,
    "sync-recent": pool_sync_recent,
    "sync-full": pool_sync_full,
    "sync-pages": pool_sync_pages,
    "checkin-groups": pool_checkin_groups,
    "group-analytics": pool_group_analytics,
}


def write_pool(name: str, count: int, path: Path) -> None:
    path.write_text("".join(f"{value}\n" for value in POOLS[name](count)))


def throttle_scopes() -> list[str]:
    from django.conf import settings

    return sorted(settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}))


def database_label() -> str:
    from django.db import connection

    version = {
        "sqlite": lambda: connection.Database.sqlite_version,
        "postgresql": lambda: f"{connection.pg_version // 10000}.{connection.pg_version % 10000}",
        "mysql": lambda: ".".join(map(str, connection.mysql_version)),
    }.get(connection.vendor, lambda: "")
    connection.ensure_connection()
    return f"{connection.vendor} {version()}".strip()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.seed")
    commands = parser.add_subparsers(dest="command", required=True)
    setup = commands.add_parser("setup", help="create users; print the throttle scopes and database as JSON")
    setup.add_argument("--users", type=int, required=True)
    setup.add_argument("--password", required=True)
    setup.add_argument("--trains", type=int, default=10_000)
    setup.add_argument("--sellout-seats", type=int, default=2000)
    setup.add_argument("--travel-years", type=int, default=0, help="travellers' history; 0: no travel data")
    setup.add_argument("--sync-segments", type=int, default=100_000)
    mint = commands.add_parser("mint", help="write a pool file")
    mint.add_argument("pool", choices=sorted(POOLS))
    mint.add_argument("--count", type=int, required=True)
    mint.add_argument("--out", type=Path, required=True)
    audit = commands.add_parser("audit", help="print a train's seats and bookings as JSON")
    audit.add_argument("train_id", type=int)
    args = parser.parse_args(argv)

    _django_setup()
    from bench import rail_data

    if args.command == "setup":
        users_create(count=args.users, password=args.password)
        rail = rail_data.rail_create(trains=args.trains, sellout_seats=args.sellout_seats)
        travel = None
        if args.travel_years:
            from bench import travel_data

            travel = travel_data.travel_create(years=args.travel_years, sync_segments=args.sync_segments)
        json.dump(
            {"throttle_scopes": throttle_scopes(), "database": database_label(), "rail": rail, "travel": travel},
            sys.stdout,
        )
    elif args.command == "audit":
        json.dump(rail_data.train_audit(args.train_id), sys.stdout)
    else:
        write_pool(args.pool, args.count, args.out)


if __name__ == "__main__":
    main()
