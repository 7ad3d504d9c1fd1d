"""Real parallel requests with one Idempotency-Key against a live server: exactly one executes."""

import threading
from collections import Counter

import httpx
import pytest
from django.db import connection
from rest_framework_simplejwt.tokens import AccessToken

from trackbase.core.idempotency import REPLAYED_HEADER
from trackbase.core.models import IdempotencyKey
from trackbase.core.tests.views import executions

PARALLEL = 8

pytestmark = [
    pytest.mark.urls("trackbase.core.tests.urls"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        # pytest-django hands the live server the test's own in-memory SQLite connection, so its request
        # threads share one connection (and one transaction state): nothing would run in parallel.
        reason="needs a database server; the in-memory SQLite test database is one shared connection",
    ),
]


def _outcome(response: httpx.Response) -> str:
    if response.status_code == 201:
        return "replayed" if response.headers.get(REPLAYED_HEADER) == "true" else "executed"
    if response.status_code == 409:
        return response.json()["code"]
    if response.status_code == 500:
        return "500"
    return f"{response.status_code} {response.text}"


def _post_in_parallel(url: str, headers: dict) -> Counter:
    start = threading.Barrier(PARALLEL)
    responses = []

    def post():
        start.wait()
        with httpx.Client(base_url=url, timeout=30) as client:
            responses.append(client.post("/api/slow-bookings/", json={"seats": 2}, headers=headers))

    threads = [threading.Thread(target=post) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(responses) == PARALLEL
    return Counter(_outcome(response) for response in responses)


def test_parallel_requests_with_one_key_execute_once_and_the_rest_replay(live_server, owner):
    # The others wait on the first one's uncommitted claim, then replay what it committed.
    executions.reset()
    headers = {"Authorization": f"Bearer {AccessToken.for_user(owner)}", "Idempotency-Key": "parallel-1"}
    outcomes = _post_in_parallel(live_server.url, headers)
    assert outcomes == {"executed": 1, "replayed": PARALLEL - 1}, outcomes
    assert executions.count == 1
    assert IdempotencyKey.objects.get().state == IdempotencyKey.State.DONE


def test_when_the_first_of_parallel_requests_fails_one_other_executes(live_server, owner):
    # The failure rolls its claim back; the waiting requests race for the key again (on MariaDB, through
    # InnoDB's duplicate-key deadlock), and exactly one of them runs.
    executions.reset()
    executions.fail_next = "crash"
    headers = {"Authorization": f"Bearer {AccessToken.for_user(owner)}", "Idempotency-Key": "parallel-2"}
    outcomes = _post_in_parallel(live_server.url, headers)
    assert outcomes["executed"] == 1, outcomes
    assert set(outcomes) <= {"executed", "replayed", "500", "IDEMPOTENCY_REQUEST_IN_FLIGHT"}, outcomes
    assert outcomes["500"] == 1, outcomes
    assert executions.count == 1
    assert IdempotencyKey.objects.get().state == IdempotencyKey.State.DONE
