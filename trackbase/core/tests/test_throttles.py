"""Throttles count per client address in fixed windows, one counter each, and a forged X-Forwarded-For
does not buy a fresh allowance."""

import math
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from trackbase.core.testing import assert_problem, travel
from trackbase.core.throttles import counter_incr, scoped

pytestmark = pytest.mark.urls("trackbase.core.tests.urls")


def test_it_ignores_a_forged_forwarded_for_header(api):
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    for forged in ("1.1.1.1", "2.2.2.2"):
        response = api.get("/api/address-throttled/", REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=forged)
        assert response.status_code == 200
    response = api.get("/api/address-throttled/", REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR="3.3.3.3")
    assert_problem(response, 429, "THROTTLED")
    assert 0 < int(response["Retry-After"]) <= 60


def test_it_trusts_one_hop_behind_a_proxy(api, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = "10.0.0.1"
    for client in ("1.1.1.1", "2.2.2.2", "1.1.1.1"):
        response = api.get("/api/address-throttled/", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"9.9.9.9, {client}")
        assert response.status_code == 200, client
    response = api.get("/api/address-throttled/", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert_problem(response, 429, "THROTTLED")


def _address() -> str:
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


def test_it_keeps_one_number_per_client_and_window(api, time_machine):
    """The cost of a throttled request does not grow with the rate: the window's state is one counter."""
    travel(time_machine, seconds=0)
    address = _address()
    for _ in range(2):
        assert api.get("/api/address-throttled/", REMOTE_ADDR=address).status_code == 200
    window = int(time.time() // 60)
    assert cache.get(f"throttle_core_test_{address}:{window}") == 2


def test_it_answers_again_when_the_window_ends_and_says_when(api, time_machine):
    travel(time_machine, seconds=0)
    start = time.time()
    seconds_left = 60 - start % 60
    address = _address()
    for _ in range(2):
        api.get("/api/address-throttled/", REMOTE_ADDR=address)

    refused = api.get("/api/address-throttled/", REMOTE_ADDR=address)

    assert_problem(refused, 429, "THROTTLED")
    assert int(refused["Retry-After"]) == math.ceil(seconds_left)
    travel(time_machine, seconds=seconds_left + 0.01)
    assert api.get("/api/address-throttled/", REMOTE_ADDR=address).status_code == 200


def test_parallel_requests_lose_no_count():
    """Counts are atomic increments: of 8 threads each taking 5 counts, all 40 are seen."""
    key = f"parallel-{uuid.uuid4().hex}"
    with ThreadPoolExecutor(8) as pool:
        counts = list(pool.map(lambda _: [counter_incr(key, 60) for _ in range(5)], range(8)))
    assert sorted(n for batch in counts for n in batch) == list(range(1, 41))


def test_a_scope_rate_comes_from_its_setting(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "login": "7/hour"})
    throttle = scoped("login")()
    assert (throttle.num_requests, throttle.duration) == (7, 3600)
