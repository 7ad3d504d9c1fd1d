"""What every client can rely on, whatever the endpoint: request ids, problem+json errors, docs without a CDN."""

import re

import pytest

from tests.blackbox.helpers import assert_problem

pytestmark = pytest.mark.blackbox

GARBAGE_BODIES = {
    "broken json": (b'{"email": "a@example.com", "password": ', "application/json"),
    "json array": (b"[1, 2, 3]", "application/json"),
    "json string": (b'"hello"', "application/json"),
    "wrong types": (b'{"email": ["x"], "password": {"a": 1}, "username": 5}', "application/json"),
    "binary": (bytes(range(256)), "application/json"),
    "unknown media type": (b"email=a@example.com", "text/plain"),
}


@pytest.mark.parametrize("path", ["/api/auth/register/", "/api/auth/login/"])
@pytest.mark.parametrize("name", GARBAGE_BODIES)
def test_a_garbage_body_gets_a_problem(api, path, name):
    content, content_type = GARBAGE_BODIES[name]
    response = api.post(path, content=content, headers={"Content-Type": content_type})
    assert 400 <= response.status_code < 500, response.text
    body = assert_problem(response, response.status_code)
    assert body["code"]


REQUESTS = [
    ("GET", "/health/"),
    ("GET", "/ready/"),
    ("GET", "/api/schema/"),
    ("GET", "/api/docs/"),
    ("GET", "/api/no-such-endpoint/"),
    ("GET", "/no-such-page/"),
    ("GET", "/api/profile/"),
    ("POST", "/api/auth/login/"),
    ("DELETE", "/api/auth/login/"),
]


@pytest.mark.parametrize(("method", "path"), REQUESTS)
def test_every_response_carries_a_request_id(api, method, path):
    response = api.request(method, path)
    assert response.headers.get("X-Request-ID"), (response.status_code, dict(response.headers))


def test_it_echoes_the_callers_request_id(api):
    response = api.get("/api/no-such-endpoint/", headers={"X-Request-ID": "bb-trace-0001"})
    assert response.headers["X-Request-ID"] == "bb-trace-0001"
    assert_problem(response, 404, "NOT_FOUND")


def test_it_replaces_an_unsafe_request_id(api):
    response = api.get("/health/", headers={"X-Request-ID": "bad id\twith spaces"})
    assert response.headers["X-Request-ID"] != "bad id\twith spaces"
    assert re.fullmatch(r"[A-Za-z0-9._:-]{1,128}", response.headers["X-Request-ID"])


def test_readiness_reports_every_dependency(api):
    response = api.get("/ready/")
    assert response.status_code == 200, response.text
    assert set(response.json()["checks"].values()) == {"ok"}


def test_swagger_ui_is_served_without_a_cdn(api):
    page = api.get("/api/docs/")
    assert page.status_code == 200, page.text
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    external = [url for url in assets if re.match(r"(https?:)?//", url)]
    assert not external, external
    for url in assets:
        if url.startswith("/static/"):
            assert api.get(url).status_code == 200, url
    assert api.get("/api/schema/").status_code == 200
