"""Accounts over real HTTP against the real server: the lifecycle of a session, and the emailed token."""

import threading

import httpx
import pytest

from tests.blackbox.helpers import PASSWORD, assert_problem, bearer, login, register, unique_email, wait_for_token

pytestmark = pytest.mark.blackbox


def refresh(api: httpx.Client, token: str) -> httpx.Response:
    return api.post("/api/auth/token/refresh/", json={"refresh": token})


def test_register_login_refresh_logout(api):
    email = unique_email("ada")
    registered = register(api, email=email)
    assert registered["user"]["email"] == email
    assert registered["user"]["role"] == "USER"
    assert {"id", "username", "name"} <= registered["user"].keys()
    assert registered["access"] and registered["refresh"]

    session = login(api, email=email)
    assert session["user"]["id"] == registered["user"]["id"]
    profile = api.get("/api/profile/", headers=bearer(session["access"]))
    assert profile.status_code == 200, profile.text
    assert profile.json()["email"] == email

    rotated = refresh(api, session["refresh"])
    assert rotated.status_code == 200, rotated.text
    tokens = rotated.json()
    assert tokens["refresh"] != session["refresh"]
    assert api.get("/api/profile/", headers=bearer(tokens["access"])).status_code == 200

    logout = api.post("/api/auth/logout/", json={"refresh": tokens["refresh"]}, headers=bearer(tokens["access"]))
    assert logout.status_code == 200, logout.text
    assert_problem(refresh(api, tokens["refresh"]), 401)


def test_it_logs_in_by_username(api):
    username = f"ada_{unique_email().split('.')[1][:8]}"
    registered = register(api, username=username)
    session = login(api, username=username)
    assert session["user"]["id"] == registered["user"]["id"]


def test_it_rejects_a_wrong_password(api):
    email = register(api)["user"]["email"]
    response = api.post("/api/auth/login/", json={"email": email, "password": PASSWORD + "x"})
    assert_problem(response, 401, "INVALID_CREDENTIALS")


def test_it_rejects_a_second_account_with_the_same_email(api):
    email = register(api)["user"]["email"]
    response = api.post("/api/auth/register/", json={"email": email, "password": PASSWORD, "first_name": "Eve"})
    assert_problem(response, 409, "EMAIL_ALREADY_EXISTS")


def test_reusing_a_rotated_refresh_token_revokes_the_session(api):
    first = login(api, email=register(api)["user"]["email"])["refresh"]
    second = refresh(api, first)
    assert second.status_code == 200, second.text

    assert_problem(refresh(api, first), 401, "TOKEN_REUSED")
    assert_problem(refresh(api, second.json()["refresh"]), 401)


def test_profile_needs_a_token(api):
    assert_problem(api.get("/api/profile/"), 401)
    assert_problem(api.get("/api/profile/", headers=bearer("not-a-jwt")), 401)


def test_the_worker_emails_a_token_that_verifies_the_address(api, server):
    registered = register(api)
    email, access = registered["user"]["email"], registered["access"]
    assert api.get("/api/profile/", headers=bearer(access)).json()["email_verified"] is False

    token = wait_for_token(server.mail_dir, email)
    response = api.post("/api/auth/verify-email/", json={"token": token})
    assert response.status_code == 200, response.text

    assert api.get("/api/profile/", headers=bearer(access)).json()["email_verified"] is True


def test_it_rejects_a_made_up_verification_token(api):
    response = api.post("/api/auth/verify-email/", json={"token": "made-up"})
    assert 400 <= response.status_code < 500
    assert_problem(response, response.status_code)


def test_parallel_registrations_with_one_email_create_one_account(server):
    email, attempts = unique_email("racer"), 10
    barrier = threading.Barrier(attempts)
    responses: list[httpx.Response] = []

    def attempt():
        with httpx.Client(base_url=server.url, timeout=60) as client:
            barrier.wait()
            body = {"email": email, "password": PASSWORD, "first_name": "Racer"}
            responses.append(client.post("/api/auth/register/", json=body))

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * (attempts - 1), [(r.status_code, r.text) for r in responses]
    for response in responses:
        if response.status_code == 409:
            assert_problem(response, 409, "EMAIL_ALREADY_EXISTS")
