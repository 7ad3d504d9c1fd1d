"""What every app's tests share: problem+json assertions, signed-in clients, personas, a frozen clock."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from trackbase.accounts.tokens import tokens_issue
from trackbase.core.errors import PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE

# Tests that use `frozen_clock` start at this instant, frozen; they move on with `time_machine.shift` or
# `travel`. Access tokens live 15 minutes, so a test that jumps further signs its persona in again.
NOW = datetime(2031, 3, 14, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen_clock(time_machine):
    """Stop the clock at NOW. Apps make it autouse in their conftest (before persona fixtures issue tokens)."""
    time_machine.move_to(NOW, tick=False)
    return NOW


def travel(time_machine, **delta) -> None:
    """Jump the clock forward (and hold it there) by timedelta(**delta)."""
    time_machine.move_to(timezone.now() + timedelta(**delta), tick=False)


def assert_problem(response, status: int, code: str | None = None) -> dict:
    """The response is RFC 9457 problem+json with this status (and stable code, when given), carrying the
    request id the response echoes. Returns the body."""
    assert response.status_code == status, response.content[:800]
    assert response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE), response["Content-Type"]
    body = response.json()
    assert body["status"] == status, body
    assert body["title"] and body["detail"], body
    assert body["request_id"] == response["X-Request-ID"], body
    if code is not None:
        assert body["code"] == code, body
        assert body["type"] == PROBLEM_TYPE_BASE + code.lower().replace("_", "-"), body
    return body


def assert_client_error(response) -> dict:
    """Hostile input gets a 4xx problem+json, never a 500 or an HTML page."""
    assert 400 <= response.status_code < 500, response.content[:500]
    return assert_problem(response, response.status_code)


def field_errors(response, *fields: str) -> dict:
    """A 400 VALIDATION_ERROR naming each of `fields`; returns the errors."""
    errors = assert_problem(response, 400, "VALIDATION_ERROR").get("errors", {})
    assert set(fields) <= set(errors), errors
    return errors


def bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def client_for(user=None) -> APIClient:
    """A client signed in the way real clients are (a Bearer access token of a fresh session), or anonymous."""
    return bearer(tokens_issue(user=user)["access"]) if user is not None else APIClient()


signed_in = client_for


def persona(request, name: str) -> APIClient:
    """The client fixture of a persona by name (`anon_client`, `owner_client`, ...), for parametrized tests."""
    return request.getfixturevalue(name)


def me_paths(route: str) -> list[str]:
    """Every spelling seed 000's clients use: `/me/...` and `/api/me/...`, with and without the slash."""
    return [f"{prefix}{route}{slash}" for prefix in ("/me/", "/api/me/") for slash in ("", "/")]
