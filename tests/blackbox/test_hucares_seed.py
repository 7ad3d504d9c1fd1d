"""Seed 002's own test examples against the real server (`manage.py serve`), over real HTTP."""

import uuid

import httpx
import pytest

pytestmark = pytest.mark.blackbox


def name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def register(api: httpx.Client, **body) -> httpx.Response:
    return api.post("/api/v1/auth/register", json=body)


def test_it_creates_a_user_and_rejects_a_duplicate_email(api):
    email = f"{name('dup')}@example.com"
    first = register(api, username=name("user1"), email=email, password="SecurePass123!")
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["success"] is True and body["data"]["user"]["email"] == email
    assert "password" not in body["data"]["user"]
    second = register(api, username=name("user2"), email=email, password="AnotherPass123!")
    assert second.status_code == 409, second.text
    error = second.json()
    assert error["success"] is False and error["error"]["code"] == "EMAIL_ALREADY_EXISTS"
    assert error["meta"]["requestId"] == second.headers["X-Request-ID"]


def test_a_check_in_scores_twelve_and_a_second_one_that_week_is_refused(api):
    session = register(api, username=name("pin"), pin="1357")
    assert session.status_code == 201, session.text
    headers = {"Authorization": f"Bearer {session.json()['data']['accessToken']}"}
    group = api.post("/api/v1/groups", json={"name": "Test group"}, headers=headers)
    assert group.status_code == 201, group.text
    group_id = group.json()["data"]["id"]

    created = api.post(
        "/api/v1/checkins",
        json={"groupId": group_id, "productive": 8, "satisfied": 7, "body": 6, "care": 9},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["success"] is True and created.json()["data"]["huCaresScore"] == 12

    again = api.post(
        "/api/v1/checkins",
        json={"groupId": group_id, "productive": 8, "satisfied": 8, "body": 8, "care": 8},
        headers=headers,
    )
    assert again.status_code == 409, again.text
    assert again.json()["error"]["code"] == "DUPLICATE_CHECKIN"


def test_a_pin_account_signs_in_with_its_pin_as_the_live_client_sends_it(api):
    username = name("pwa")
    assert register(api, username=username, pin="2468").status_code == 201
    response = api.post("/api/v1/auth/login", json={"username": username, "password": "2468"})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["user"]["hasPin"] is True
