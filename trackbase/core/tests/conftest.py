import pytest
from rest_framework.test import APIClient

from trackbase.core.errors import PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE


def assert_problem(response, status: int, code: str) -> dict:
    """The response is RFC 9457 problem+json with our members, and its request id is the echoed one."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body = response.json()
    assert body["type"] == PROBLEM_TYPE_BASE + code.lower().replace("_", "-")
    assert body["status"] == status
    assert body["code"] == code
    assert body["title"] and body["detail"]
    assert body["request_id"] == response["X-Request-ID"]
    return body


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def owner_api(owner):
    client = APIClient()
    client.force_authenticate(owner)
    return client


@pytest.fixture
def outsider_api(outsider):
    client = APIClient()
    client.force_authenticate(outsider)
    return client
