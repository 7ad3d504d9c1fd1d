"""Data for the real-time bench, run inside Django as `python -m bench.realtime.seed ...` by the harness.

`setup`: the users (bench/seed.py's, sharing one password hash), an admin, one train and its followers.
`tokens`: stamps every bench user active now and writes one access token per user (JSON), right before
the clients connect, so no handshake pays the `last_active_at` UPDATE a steady-state client never pays.
"""

import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path

from bench import seed as http_seed

ADMIN_USERNAME = "bench_admin"
TRAIN_NUMBER = "90001"


def setup(*, users: int, followers: int, password: str) -> dict:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from trackbase.accounts.models import Role
    from trackbase.rail.models import Favorite
    from trackbase.rail.services import train_upsert

    http_seed.users_create(count=users, password=password)
    get_user_model().objects.create(username=ADMIN_USERNAME, role=Role.ADMIN, last_active_at=timezone.now())
    departure = timezone.now() + timedelta(days=1)
    train, _ = train_upsert(
        train_number=TRAIN_NUMBER,
        name="Bench Express",
        source="Bench Source",
        destination="Bench Destination",
        departure_time=departure,
        arrival_time=departure + timedelta(hours=8),
        total_seats=500,
    )
    everyone = http_seed._users()
    # Spread over the id range, so the followers land on every client process.
    chosen = everyone[:: max(1, len(everyone) // followers)][:followers]
    Favorite.objects.bulk_create([Favorite(user=user, train=train) for user in chosen])
    return {
        "throttle_scopes": http_seed.throttle_scopes(),
        "database": http_seed.database_label(),
        "train_number": train.train_number,
        "followers": [user.pk for user in chosen],
    }


def tokens() -> dict:
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from rest_framework_simplejwt.tokens import AccessToken

    user_model = get_user_model()
    bench_users = user_model.objects.filter(username__startswith=http_seed.USERNAME_PREFIX)
    bench_users.update(last_active_at=timezone.now())
    admin = user_model.objects.get(username=ADMIN_USERNAME)
    user_model.objects.filter(pk=admin.pk).update(last_active_at=timezone.now())
    return {
        "users": [[user.pk, str(AccessToken.for_user(user))] for user in http_seed._users()],
        "admin": str(AccessToken.for_user(admin)),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.realtime.seed")
    commands = parser.add_subparsers(dest="command", required=True)
    setup_parser = commands.add_parser("setup", help="users, admin, train, followers; prints JSON")
    setup_parser.add_argument("--users", type=int, required=True)
    setup_parser.add_argument("--followers", type=int, required=True)
    setup_parser.add_argument("--password", required=True)
    tokens_parser = commands.add_parser("tokens", help="stamp users active; write their access tokens as JSON")
    tokens_parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    http_seed._django_setup()
    if args.command == "setup":
        json.dump(setup(users=args.users, followers=args.followers, password=args.password), sys.stdout)
    else:
        args.out.write_text(json.dumps(tokens()))


if __name__ == "__main__":
    main()
