"""Throttles count per client address, and a forged X-Forwarded-For does not buy a fresh allowance."""

import uuid

import pytest

from trackbase.core.testing import assert_problem

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
