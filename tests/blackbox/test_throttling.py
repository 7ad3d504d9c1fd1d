"""Rate limits seen from outside: a server started with a strict login limit answers 429 with Retry-After,
whatever forwarded headers a client makes up."""

import httpx
import pytest

from tests.blackbox.helpers import assert_problem, unique_email
from tests.blackbox.server import serve_for_fixture

pytestmark = pytest.mark.blackbox

LOGIN_LIMIT = 3


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory, throttle_scopes):
    yield from serve_for_fixture(
        tmp_path_factory.mktemp("bb-strict"),
        throttle_scopes=throttle_scopes,
        overrides={"THROTTLE_LOGIN": f"{LOGIN_LIMIT}/min"},
    )


def test_logins_beyond_the_limit_get_429_with_retry_after(strict_server):
    body = {"email": unique_email(), "password": "Wrong-Password-1"}
    with httpx.Client(base_url=strict_server.url, timeout=30) as api:
        for _ in range(LOGIN_LIMIT):
            assert api.post("/api/auth/login/", json=body).status_code == 401
        response = api.post("/api/auth/login/", json=body)
    assert_problem(response, 429, "LOGIN_THROTTLED")
    assert 0 < int(response.headers["Retry-After"]) <= 60


def test_a_made_up_forwarded_address_does_not_reset_the_login_throttle(strict_server):
    """`make run` serves clients directly: X-Forwarded-For is theirs to invent, so it names no one (issue 7
    item 3; uvicorn trusted it from 127.0.0.1 by default). Each attempt uses another account, so only the
    per-address limit can stop them."""
    with httpx.Client(base_url=strict_server.url, timeout=30) as api:
        statuses = [
            api.post(
                "/api/auth/login/",
                json={"email": unique_email(), "password": "Wrong-Password-1"},
                headers={"X-Forwarded-For": f"203.0.113.{n}", "Forwarded": f"for=198.51.100.{n}"},
            ).status_code
            for n in range(1, LOGIN_LIMIT + 3)
        ]
    assert statuses[LOGIN_LIMIT:] == [429, 429], statuses


@pytest.fixture(scope="module")
def proxied_server(tmp_path_factory, throttle_scopes):
    """Behind one trusted proxy: this test client plays the proxy, so the last X-Forwarded-For hop is the client."""
    yield from serve_for_fixture(
        tmp_path_factory.mktemp("bb-proxied"),
        throttle_scopes=throttle_scopes,
        overrides={"THROTTLE_LOGIN": f"{LOGIN_LIMIT}/min", "BEHIND_TLS_PROXY": "true", "TRUSTED_PROXY_COUNT": "1"},
    )


def test_behind_a_trusted_proxy_only_the_hop_it_added_counts(proxied_server):
    def attempt(api, forwarded_for: str) -> int:
        body = {"email": unique_email(), "password": "Wrong-Password-1"}
        headers = {"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https"}
        return api.post("/api/auth/login/", json=body, headers=headers).status_code

    with httpx.Client(base_url=proxied_server.url, timeout=30) as api:
        # The client forges a first hop each time; the proxy appends the address it really saw.
        forged = [attempt(api, f"10.0.0.{n}, 192.0.2.10") for n in range(LOGIN_LIMIT + 1)]
        other_client = attempt(api, "192.0.2.11")
    assert forged == [401] * LOGIN_LIMIT + [429], forged
    assert other_client == 401
