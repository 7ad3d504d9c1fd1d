"""Rate limits seen from outside: a server started with a strict login limit answers 429 with Retry-After."""

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
    assert_problem(response, 429, "THROTTLED")
    assert 0 < int(response.headers["Retry-After"]) <= 60
