"""Real parallel requests on a live server: a group never overfills, a week never gets two check-ins.

A control run swaps the guarded join for a naive read-check-write and shows the same scenario can fail."""

import threading
import time
from collections import Counter

import httpx
import pytest
from django.db import connection, transaction
from rest_framework_simplejwt.tokens import AccessToken

from trackbase.accounts.tests.factories import UserFactory
from trackbase.wellness.errors import GroupFull
from trackbase.wellness.models import CheckIn, Group, Membership
from trackbase.wellness.services.groups import group_create

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="needs a database server; the in-memory SQLite test database is one shared connection",
    ),
]

JOINERS = 16
MAX_MEMBERS = 5


def in_parallel(url: str, calls: list) -> list[httpx.Response]:
    barrier = threading.Barrier(len(calls), timeout=60)
    responses = [None] * len(calls)

    def run(index):
        with httpx.Client(base_url=url, timeout=60) as client:
            barrier.wait()
            responses[index] = calls[index](client)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(r, httpx.Response) for r in responses), responses
    return responses


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {AccessToken.for_user(user)}"}


def outcome(response: httpx.Response) -> str:
    return "joined" if response.status_code == 200 else response.json()["error"]["code"]


def parallel_joins(live_server, owner) -> tuple[Group, Counter]:
    group = group_create(user=owner, name="Race", max_members=MAX_MEMBERS)
    joiners = [UserFactory() for _ in range(JOINERS)]
    body = {"accessCode": group.access_code}
    calls = [lambda c, u=u: c.post("/api/v1/groups/join", json=body, headers=bearer(u)) for u in joiners]
    return group, Counter(outcome(r) for r in in_parallel(live_server.url, calls))


def test_parallel_joins_never_overfill_a_group(live_server, owner):
    group, outcomes = parallel_joins(live_server, owner)
    assert outcomes == {"joined": MAX_MEMBERS - 1, "GROUP_FULL": JOINERS - MAX_MEMBERS + 1}, outcomes
    group.refresh_from_db()
    assert group.member_count == Membership.objects.filter(group=group).count() == MAX_MEMBERS


def _naive_join(*, user, access_code):
    """The broken guard: count the members, then insert (no conditional update)."""
    group = Group.objects.get(access_code=access_code)
    count = Membership.objects.filter(group=group).count()
    time.sleep(0.05)  # widen the window a real server leaves open anyway
    if count >= group.max_members:
        raise GroupFull()
    with transaction.atomic():
        Membership.objects.create(group=group, user=user)
    return group


def test_the_control_without_the_guard_overfills(live_server, owner, monkeypatch):
    monkeypatch.setattr("trackbase.wellness.services.groups.group_join", _naive_join)
    group, outcomes = parallel_joins(live_server, owner)
    assert Membership.objects.filter(group=group).count() > MAX_MEMBERS, outcomes


def test_parallel_check_ins_make_one_per_week(live_server, owner):
    group = group_create(user=owner, name="Race")
    body = {"groupId": group.pk, "productive": 5, "satisfied": 5, "body": 5, "care": 5}
    calls = [lambda c: c.post("/api/v1/checkins", json=body, headers=bearer(owner)) for _ in range(8)]
    outcomes = Counter(
        "created" if r.status_code == 201 else r.json()["error"]["code"] for r in in_parallel(live_server.url, calls)
    )
    assert outcomes == {"created": 1, "DUPLICATE_CHECKIN": 7}, outcomes
    assert CheckIn.objects.filter(user=owner, group=group).count() == 1
