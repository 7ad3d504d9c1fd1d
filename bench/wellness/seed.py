"""Data for the fan-out bench, run inside Django as `python -m bench.wellness.seed ...` by the harness.

`setup`: the listening users (bench/seed.py's, one password hash), and per write one group holding the room's
`--room` listeners plus that write's own author, who checks in once (one check-in per user, group and week:
each write needs its own author-group pair). The listeners are spread over the id range, so they land on every
client process. `tokens`: stamps every user active now and writes the clients' and the authors' access tokens.
"""

import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path

from bench import seed as http_seed

AUTHOR_PREFIX = "bench_author_"
GROUP_PREFIX = "bench-fanout-"


def setup(*, users: int, room: int, writes: int, password: str) -> dict:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from trackbase.wellness.models import Group, Membership, Role

    user_model = get_user_model()
    http_seed.users_create(count=users, password=password)
    everyone = http_seed._users()
    listeners = everyone[:: max(1, len(everyone) // room)][:room]
    now = timezone.now()
    authors = user_model.objects.bulk_create(
        [user_model(username=f"{AUTHOR_PREFIX}{i:04d}", last_active_at=now) for i in range(writes)]
    )
    authors = list(user_model.objects.filter(username__startswith=AUTHOR_PREFIX).order_by("pk"))
    groups = http_seed._wellness_groups([f"{GROUP_PREFIX}{i}" for i in range(writes)], max_members=room + 1)
    memberships = []
    for group, author in zip(groups, authors, strict=True):
        memberships.append(Membership(group=group, user=author, role=Role.ADMIN))
        memberships += [Membership(group=group, user=user, role=Role.MEMBER) for user in listeners]
    Membership.objects.bulk_create(memberships, batch_size=2000)
    Group.objects.filter(pk__in=[group.pk for group in groups]).update(
        member_count=room + 1, created_at=now - timedelta(days=1)
    )
    return {
        "throttle_scopes": http_seed.throttle_scopes(),
        "database": http_seed.database_label(),
        "listeners": [user.pk for user in listeners],
    }


def tokens() -> dict:
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from rest_framework_simplejwt.tokens import AccessToken

    from trackbase.wellness.models import Membership

    user_model = get_user_model()
    user_model.objects.filter(username__startswith=http_seed.USERNAME_PREFIX).update(last_active_at=timezone.now())
    user_model.objects.filter(username__startswith=AUTHOR_PREFIX).update(last_active_at=timezone.now())
    authors = (
        Membership.objects.filter(user__username__startswith=AUTHOR_PREFIX).select_related("user").order_by("group_id")
    )
    return {
        "users": [[user.pk, str(AccessToken.for_user(user))] for user in http_seed._users()],
        "authors": [[m.group_id, str(AccessToken.for_user(m.user))] for m in authors],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.wellness.seed")
    commands = parser.add_subparsers(dest="command", required=True)
    setup_parser = commands.add_parser("setup", help="users, groups, authors; prints JSON")
    setup_parser.add_argument("--users", type=int, required=True)
    setup_parser.add_argument("--room", type=int, required=True)
    setup_parser.add_argument("--writes", type=int, required=True)
    setup_parser.add_argument("--password", required=True)
    tokens_parser = commands.add_parser("tokens", help="stamp users active; write their access tokens as JSON")
    tokens_parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    http_seed._django_setup()
    if args.command == "setup":
        result = setup(users=args.users, room=args.room, writes=args.writes, password=args.password)
        json.dump(result, sys.stdout)
    else:
        args.out.write_text(json.dumps(tokens()))


if __name__ == "__main__":
    main()
