"""Shared by the notifications and rail tests: a frozen clock, problem+json checks, seed 000's path spellings."""

from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from trackbase.core.errors import PROBLEM_CONTENT_TYPE

# Every test starts at this instant, frozen; tests move the clock on with `time_machine.shift`. Access
# tokens live 15 minutes, so a test that jumps further signs its persona in again.
NOW = datetime(2031, 3, 14, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    """Autouse, so it runs before the persona fixtures issue their tokens."""
    time_machine.move_to(NOW, tick=False)
    return NOW


def me_paths(route: str) -> list[str]:
    """Every spelling seed 000's clients use: `/me/...` and `/api/me/...`, with and without the slash."""
    return [f"{prefix}{route}{slash}" for prefix in ("/me/", "/api/me/") for slash in ("", "/")]


def persona(request, name: str) -> APIClient:
    """The client fixture of a persona by name (`anon_client`, `owner_client`, ...), for parametrized tests."""
    return request.getfixturevalue(name)


def problem_body(response, status: int, code: str) -> dict:
    """The response is an RFC 9457 problem with this status and stable code; returns its body."""
    assert response.status_code == status, response.content[:800]
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body = response.json()
    assert (body["status"], body["code"]) == (status, code), body
    return body


def field_errors(response, *fields: str) -> dict:
    """A 400 VALIDATION_ERROR naming each of `fields`; returns the errors."""
    errors = problem_body(response, 400, "VALIDATION_ERROR").get("errors", {})
    assert set(fields) <= set(errors), errors
    return errors
