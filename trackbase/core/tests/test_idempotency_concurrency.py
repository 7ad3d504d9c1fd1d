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
    return f"{response.status_code} {response.text}"


def test_parallel_requests_with_one_key_execute_once(live_server, owner):
    executions.reset()
    headers = {"Authorization": f"Bearer {AccessToken.for_user(owner)}", "Idempotency-Key": "parallel-1"}
    start = threading.Barrier(PARALLEL)
    responses = []

    def post():
        start.wait()
        with httpx.Client(base_url=live_server.url, timeout=30) as client:
            responses.append(client.post("/api/slow-bookings/", json={"seats": 2}, headers=headers))

    threads = [threading.Thread(target=post) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(responses) == PARALLEL
    outcomes = Counter(_outcome(response) for response in responses)
    assert outcomes["executed"] == 1, outcomes
    assert set(outcomes) <= {"executed", "replayed", "IDEMPOTENCY_REQUEST_IN_FLIGHT"}, outcomes
    assert executions.count == 1
    assert IdempotencyKey.objects.get().state == IdempotencyKey.State.DONE
