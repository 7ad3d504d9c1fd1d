"""Shared by the account tests: problem+json assertions, mailed tokens, sessions, time travel, images."""

import io
import re
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from trackbase.accounts.tests.factories import DEFAULT_PASSWORD
from trackbase.accounts.tokens import tokens_issue

PROBLEM_CONTENT_TYPE = "application/problem+json"
NEW_PASSWORD = "Brand-New-Secret-71"
TEN_MEGABYTES = "x" * 10_000_000
_TOKEN_LINE = re.compile(r"^Token: (\S+)$", re.MULTILINE)


def assert_problem(response, status: int, code: str | None = None) -> dict:
    """The response is RFC 9457 problem+json with this status (and stable code, when given)."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE), response["Content-Type"]
    body = response.json()
    assert body["status"] == status, body
    assert {"type", "title", "detail", "code", "request_id"} <= set(body), body
    if code is not None:
        assert body["code"] == code, body
    return body


def assert_client_error(response) -> dict:
    """Hostile input gets a 4xx problem+json, never a 500 or an HTML page."""
    assert 400 <= response.status_code < 500, response.content[:500]
    return assert_problem(response, response.status_code)


def without_request_id(body: dict) -> dict:
    return {key: value for key, value in body.items() if key != "request_id"}


def mailed_token(message) -> str:
    """The value of the `Token: ...` line every account email carries."""
    match = _TOKEN_LINE.search(message.body)
    assert match, message.body
    return match.group(1)


def bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def signed_in(user) -> APIClient:
    """A client holding a fresh session of the user (no login request, no throttle spent)."""
    return bearer(tokens_issue(user=user)["access"])


def post_json(path: str, data=None, client: APIClient | None = None):
    return (client or APIClient()).post(path, data, format="json")


def login(login_name: str, password: str = DEFAULT_PASSWORD, path: str = "/api/auth/login/"):
    return post_json(path, {"login": login_name, "password": password})


def login_tokens(user, password: str = DEFAULT_PASSWORD) -> dict:
    """A fresh session for the user, through the real login endpoint."""
    response = login(user.username, password)
    assert response.status_code == 200, response.content
    return response.json()


def refresh(raw_refresh: str):
    return post_json("/api/auth/token/refresh/", {"refresh": raw_refresh})


def profile_status(access: str) -> int:
    return bearer(access).get("/api/profile/").status_code


def travel(time_machine, **delta) -> None:
    """Jump the clock forward (and hold it there) by timedelta(**delta)."""
    time_machine.move_to(timezone.now() + timedelta(**delta), tick=False)


def png_upload(name: str = "avatar.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
