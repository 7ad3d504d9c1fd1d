from datetime import UTC, datetime

import pytest
from django.core import mail

from trackbase.accounts.models import User
from trackbase.core.testing import client_for
from trackbase.wellness.tests.conftest import data_of, error_of

pytestmark = pytest.mark.django_db

PASSWORD = "SecurePass123!"
START = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def pin_user(anon_client):
    data_of(anon_client.post("/api/v1/auth/register", {"username": "pinny", "pin": "4821"}, format="json"), 201)
    return User.objects.get(username="pinny")


def test_it_registers_a_password_account(anon_client):
    body = {"username": "testuser", "email": "test@example.com", "password": PASSWORD}
    data = data_of(anon_client.post("/api/v1/auth/register", body, format="json"), 201)
    assert data["user"]["email"] == "test@example.com"
    assert data["user"]["hasPassword"] and not data["user"]["hasPin"]
    assert "password" not in data["user"]
    assert data["accessToken"] and data["refreshToken"]


def test_the_seed_example_duplicate_email_is_email_already_exists(anon_client):
    first = {"username": "user1", "email": "duplicate@example.com", "password": PASSWORD}
    second = {"username": "user2", "email": "duplicate@example.com", "password": "AnotherPass123!"}
    data_of(anon_client.post("/api/v1/auth/register", first, format="json"), 201)
    error_of(anon_client.post("/api/v1/auth/register", second, format="json"), 409, "EMAIL_ALREADY_EXISTS")


def test_a_taken_username_is_username_taken(anon_client, pin_user):
    error_of(
        anon_client.post("/api/v1/auth/register", {"username": "PINNY", "pin": "1111"}, format="json"),
        409,
        "USERNAME_TAKEN",
    )


@pytest.mark.parametrize("username", ["ab", "admin", "with space", "a" * 31])
def test_it_refuses_bad_and_reserved_usernames(anon_client, username):
    error = error_of(
        anon_client.post("/api/v1/auth/register", {"username": username, "pin": "1234"}, format="json"), 400
    )
    assert "username" in error["details"]


@pytest.mark.parametrize("pin", ["123", "12345", "12a4"])
def test_it_refuses_a_pin_that_is_not_four_digits(anon_client, pin):
    error_of(anon_client.post("/api/v1/auth/register", {"username": "pinny", "pin": pin}, format="json"), 400)


def test_a_pin_account_has_no_email_and_a_hashed_pin(pin_user):
    assert pin_user.email is None
    assert pin_user.pin_hash and "4821" not in pin_user.pin_hash
    assert not pin_user.has_usable_password()


def test_it_refuses_a_weak_password(anon_client):
    body = {"username": "weakling", "email": "w@example.com", "password": "password"}
    error = error_of(anon_client.post("/api/v1/auth/register", body, format="json"), 400, "VALIDATION_ERROR")
    assert "password" in error["details"]


def test_it_logs_in_by_email_or_username(anon_client, owner):
    for login in ({"email": owner.email}, {"username": owner.username}):
        data = data_of(anon_client.post("/api/v1/auth/login", {**login, "password": "Correct-Horse-9"}, format="json"))
        assert data["user"]["id"] == owner.pk


def test_it_logs_in_a_pin_account_with_pin_password_or_pin_login(anon_client, pin_user):
    for path, body in [
        ("/api/v1/auth/login", {"username": "pinny", "pin": "4821"}),
        ("/api/v1/auth/login", {"username": "pinny", "password": "4821"}),
        ("/api/v1/auth/pin-login", {"username": "Pinny", "pin": "4821"}),
    ]:
        assert data_of(anon_client.post(path, body, format="json"))["user"]["username"] == "pinny"


def test_it_refuses_wrong_credentials(anon_client, owner, pin_user):
    error_of(
        anon_client.post("/api/v1/auth/login", {"email": owner.email, "password": "Wrong-1234"}),
        401,
        "INVALID_CREDENTIALS",
    )
    error_of(
        anon_client.post("/api/v1/auth/pin-login", {"username": "pinny", "pin": "0000"}), 401, "INVALID_CREDENTIALS"
    )
    error_of(
        anon_client.post("/api/v1/auth/pin-login", {"username": "nobody", "pin": "0000"}), 401, "INVALID_CREDENTIALS"
    )


def test_five_wrong_pins_lock_pin_login_whatever_the_address(anon_client, pin_user, time_machine):
    time_machine.move_to(START, tick=False)
    for n in range(5):
        response = anon_client.post(
            "/api/v1/auth/pin-login", {"username": "pinny", "pin": "0000"}, REMOTE_ADDR=f"10.0.0.{n}"
        )
        error_of(response, 401, "INVALID_CREDENTIALS")
    locked = anon_client.post("/api/v1/auth/pin-login", {"username": "pinny", "pin": "4821"}, REMOTE_ADDR="10.9.9.9")
    error_of(locked, 429, "ACCOUNT_LOCKED")
    assert 0 < int(locked["Retry-After"]) <= 900
    # The PIN sent as a password is the same PIN login, and just as locked.
    error_of(anon_client.post("/api/v1/auth/login", {"username": "pinny", "password": "4821"}), 429, "ACCOUNT_LOCKED")
    time_machine.shift(901)
    data_of(anon_client.post("/api/v1/auth/pin-login", {"username": "pinny", "pin": "4821"}))


def test_wrong_pins_spread_beyond_the_window_do_not_lock(anon_client, pin_user, time_machine):
    time_machine.move_to(START, tick=False)
    for _ in range(4):
        anon_client.post("/api/v1/auth/pin-login", {"username": "pinny", "pin": "0000"})
    time_machine.shift(16 * 60)
    anon_client.post("/api/v1/auth/pin-login", {"username": "pinny", "pin": "0000"})
    data_of(anon_client.post("/api/v1/auth/pin-login", {"username": "pinny", "pin": "4821"}))


def test_a_pin_change_needs_the_current_pin(pin_user):
    client = client_for(pin_user)
    error_of(client.put("/api/v1/auth/pin", {"pin": "9999", "currentPin": "0000"}, format="json"), 401)
    error_of(client.put("/api/v1/auth/pin", {"pin": "99999", "currentPin": "4821"}, format="json"), 400)
    assert data_of(client.put("/api/v1/auth/pin", {"pin": "9999", "currentPin": "4821"}, format="json"))["hasPin"]
    data_of(client_for().post("/api/v1/auth/pin-login", {"username": "pinny", "pin": "9999"}))


def test_a_password_account_sets_a_pin_with_its_password(owner, owner_client, anon_client):
    error_of(owner_client.put("/api/v1/auth/pin", {"pin": "1357", "currentPassword": "nope"}, format="json"), 401)
    data_of(owner_client.put("/api/v1/auth/pin", {"pin": "1357", "currentPassword": "Correct-Horse-9"}, format="json"))
    data_of(anon_client.post("/api/v1/auth/pin-login", {"username": "owner", "pin": "1357"}))


def test_it_rotates_refresh_tokens_and_detects_reuse(anon_client, pin_user):
    tokens = data_of(anon_client.post("/api/v1/auth/pin-login", {"username": "pinny", "pin": "4821"}))
    fresh = data_of(anon_client.post("/api/v1/auth/refresh", {"refreshToken": tokens["refreshToken"]}))
    assert fresh["refreshToken"] != tokens["refreshToken"] and fresh["accessToken"]
    error_of(anon_client.post("/api/v1/auth/refresh", {"refreshToken": tokens["refreshToken"]}), 401, "TOKEN_REUSED")
    # Reuse ended every session, the fresh one included.
    error_of(anon_client.post("/api/v1/auth/refresh", {"refreshToken": fresh["refreshToken"]}), 401)


def test_logout_ends_the_session(anon_client, pin_user):
    tokens = data_of(anon_client.post("/api/v1/auth/pin-login", {"username": "pinny", "pin": "4821"}))
    client = client_for(pin_user)
    body = client.post("/api/v1/auth/logout", {"refreshToken": tokens["refreshToken"]}, format="json").json()
    assert body["message"] == "Logged out successfully"
    error_of(anon_client.post("/api/v1/auth/refresh", {"refreshToken": tokens["refreshToken"]}), 401, "TOKEN_REVOKED")


def test_logout_without_a_token_ends_every_session(anon_client, pin_user):
    tokens = data_of(anon_client.post("/api/v1/auth/pin-login", {"username": "pinny", "pin": "4821"}))
    data_of(client_for(pin_user).post("/api/v1/auth/logout"))
    error_of(anon_client.post("/api/v1/auth/refresh", {"refreshToken": tokens["refreshToken"]}), 401)


def test_logout_needs_a_session(anon_client):
    error_of(anon_client.post("/api/v1/auth/logout"), 401)


def test_the_password_reset_flow(anon_client, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        body = anon_client.post("/api/v1/auth/forgot-password", {"email": owner.email}).json()
    assert body["message"] == "Reset link sent"
    token = mail.outbox[-1].body.split("Token: ")[1].split()[0]
    error_of(
        anon_client.post("/api/v1/auth/reset-password", {"token": "bad.token", "newPassword": "Fresh-Pass-42"}),
        400,
        "RESET_TOKEN_INVALID",
    )
    data_of(anon_client.post("/api/v1/auth/reset-password", {"token": token, "newPassword": "Fresh-Pass-42"}))
    data_of(anon_client.post("/api/v1/auth/login", {"email": owner.email, "password": "Fresh-Pass-42"}))


def test_forgot_password_says_the_same_for_unknown_emails(anon_client):
    assert anon_client.post("/api/v1/auth/forgot-password", {"email": "no@one.example"}).json()["success"]


def test_verify_email(anon_client, django_capture_on_commit_callbacks):
    body = {"username": "verifier", "email": "v@example.com", "password": PASSWORD}
    with django_capture_on_commit_callbacks(execute=True):
        data_of(anon_client.post("/api/v1/auth/register", body, format="json"), 201)
    token = mail.outbox[-1].body.split("Token: ")[1].split()[0]
    error_of(anon_client.post("/api/v1/auth/verify-email", {"token": "nope"}), 400, "VERIFICATION_TOKEN_INVALID")
    data_of(anon_client.post("/api/v1/auth/verify-email", {"token": token}))
    assert User.objects.get(username="verifier").email_verified


def test_five_wrong_pins_within_fifteen_minutes_lock(anon_client, pin_user, time_machine):
    time_machine.move_to(START, tick=False)
    for _ in range(4):
        error_of(anon_client.post("/api/v1/auth/pin-login", {"username": "pinny", "pin": "0000"}), 401)
    time_machine.shift(14 * 60)
    error_of(anon_client.post("/api/v1/auth/pin-login", {"username": "pinny", "pin": "0000"}), 401)
    error_of(anon_client.post("/api/v1/auth/pin-login", {"username": "pinny", "pin": "4821"}), 429, "ACCOUNT_LOCKED")


def test_a_right_pin_clears_the_failures(anon_client, pin_user, time_machine):
    time_machine.move_to(START, tick=False)
    for _ in range(4):
        anon_client.post("/api/v1/auth/pin-login", {"username": "pinny", "pin": "0000"})
    data_of(anon_client.post("/api/v1/auth/pin-login", {"username": "pinny", "pin": "4821"}))
    error_of(anon_client.post("/api/v1/auth/pin-login", {"username": "pinny", "pin": "0000"}), 401)
    data_of(anon_client.post("/api/v1/auth/pin-login", {"username": "pinny", "pin": "4821"}))


def test_a_password_account_with_a_pin_signs_in_by_email_and_pin(owner, owner_client, anon_client):
    data_of(owner_client.put("/api/v1/auth/pin", {"pin": "1357", "currentPassword": "Correct-Horse-9"}, format="json"))
    data_of(anon_client.post("/api/v1/auth/login", {"email": owner.email, "password": "1357"}))
    data_of(anon_client.post("/api/v1/auth/login", {"email": owner.email, "password": "Correct-Horse-9"}))


def test_logout_refuses_a_body_that_is_not_an_object(owner):
    response = client_for(owner).post("/api/v1/auth/logout", "null", content_type="application/json")
    error_of(response, 400, "VALIDATION_ERROR")
