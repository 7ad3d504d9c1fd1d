from datetime import UTC, datetime

import pytest
from django.db import connection

from trackbase.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from trackbase.accounts.tests.helpers import TEN_MEGABYTES, login, post_json, without_request_id
from trackbase.core.testing import assert_client_error, assert_problem, bearer

pytestmark = pytest.mark.django_db


def test_it_signs_in_with_email_and_password(owner):
    response = post_json("/api/auth/login/", {"email": "owner@example.com", "password": DEFAULT_PASSWORD})

    assert response.status_code == 200, response.content
    body = response.json()
    assert {"access", "refresh"} <= set(body)
    assert bearer(body["access"]).get("/api/profile/").json()["username"] == "owner"


def test_it_signs_in_with_username_on_the_path_without_slash(owner):
    response = post_json("/api/auth/login", {"username": "owner", "password": DEFAULT_PASSWORD})

    assert response.status_code == 200, response.content
    assert response.json()["user"]["id"] == owner.pk


def test_it_signs_in_on_the_email_path(owner):
    response = post_json("/api/auth/login/email/", {"email": "owner@example.com", "password": DEFAULT_PASSWORD})

    assert response.status_code == 200, response.content
    assert response.json()["user"]["email"] == "owner@example.com"


@pytest.mark.parametrize("field", ["login", "username", "email"])
@pytest.mark.parametrize("value", ["owner", "owner@example.com", "OWNER@Example.COM", " owner@example.com "])
def test_it_accepts_username_or_email_in_any_login_field(owner, field, value):
    response = post_json("/api/auth/login/", {field: value, "password": DEFAULT_PASSWORD})

    assert response.status_code == 200, response.content


def test_it_signs_in_a_username_that_contains_an_at_sign():
    assert post_json("/api/auth/register/", {"username": "ann@home", "password": "Secret123x"}).status_code == 201

    assert login("ann@home", "Secret123x").status_code == 200


def test_it_prefers_the_email_when_a_username_looks_like_it(owner):
    UserFactory(username="owner@example.com", email="squatter@example.com")

    assert login("owner@example.com").json()["user"]["id"] == owner.pk


def test_it_refuses_a_wrong_password_and_an_unknown_login_alike(owner):
    wrong_password = assert_problem(login("owner", "Wrong-Password-1"), 401, "INVALID_CREDENTIALS")
    unknown_user = assert_problem(login("nobody", DEFAULT_PASSWORD), 401, "INVALID_CREDENTIALS")
    unknown_email = assert_problem(login("nobody@example.com", DEFAULT_PASSWORD), 401, "INVALID_CREDENTIALS")

    assert without_request_id(wrong_password) == without_request_id(unknown_user) == without_request_id(unknown_email)


@pytest.mark.parametrize(
    "password",
    [DEFAULT_PASSWORD.lower(), DEFAULT_PASSWORD + " ", " " + DEFAULT_PASSWORD, DEFAULT_PASSWORD[:-1]],
    ids=["lowercased", "trailing-space", "leading-space", "truncated"],
)
def test_it_compares_the_password_exactly(owner, password):
    assert_problem(login("owner", password), 401, "INVALID_CREDENTIALS")


def test_it_refuses_an_inactive_user_with_the_right_password(owner):
    owner.is_active = False
    owner.save()

    body = assert_problem(login("owner"), 401, "INVALID_CREDENTIALS")

    assert "access" not in body


def test_it_stamps_the_sign_in_time(owner, time_machine):
    signed_in_at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    time_machine.move_to(signed_in_at, tick=False)

    assert login("owner@example.com").json()["user"]["last_login_at"] == "2026-03-01T12:00:00Z"

    owner.refresh_from_db()
    assert owner.last_login_at == owner.last_login == signed_in_at


def test_it_leaves_the_sign_in_time_alone_on_failure(owner):
    login("owner", "Wrong-Password-1")

    owner.refresh_from_db()
    assert owner.last_login_at is None


def test_it_needs_a_login():
    body = assert_problem(post_json("/api/auth/login/", {"password": DEFAULT_PASSWORD}), 400, "VALIDATION_ERROR")

    assert body["errors"] == {"login": ["Give a username or an email address."]}


def test_it_ignores_a_bad_bearer_token_on_a_public_endpoint(owner):
    response = post_json("/api/auth/login/", {"login": "owner", "password": DEFAULT_PASSWORD}, bearer("garbage"))

    assert response.status_code == 200, response.content


GARBAGE = {
    "missing-password": {"login": "owner"},
    "null-password": {"login": "owner", "password": None},
    "null-login": {"login": None, "password": DEFAULT_PASSWORD},
    "empty-login": {"login": "", "password": DEFAULT_PASSWORD},
    "login-object": {"login": {"$gt": ""}, "password": DEFAULT_PASSWORD},
    "password-list": {"login": "owner", "password": [DEFAULT_PASSWORD]},
    "10mb-password": {"login": "owner", "password": TEN_MEGABYTES},
    "10mb-login": {"login": TEN_MEGABYTES, "password": DEFAULT_PASSWORD},
    "json-list": [{"login": "owner", "password": DEFAULT_PASSWORD}],
}


@pytest.mark.parametrize("data", GARBAGE.values(), ids=GARBAGE.keys())
def test_it_refuses_garbage_with_a_problem(owner, data):
    assert_client_error(post_json("/api/auth/login/", data))


@pytest.mark.parametrize("path", ["/api/auth/login/", "/api/auth/login", "/api/auth/login/email/"])
def test_it_only_answers_post(owner, anon_client, path):
    assert_problem(anon_client.get(path), 405, "METHOD_NOT_ALLOWED")


def test_it_matches_usernames_regardless_of_case(owner):
    assert login("OWNER").json()["user"]["id"] == owner.pk


def test_an_exact_username_match_wins_over_a_case_variant(owner):
    if connection.vendor == "mysql":
        pytest.skip("MariaDB's default collation already makes usernames unique regardless of case")
    variant = UserFactory(username="Owner", email="variant@example.com")

    assert login("Owner").json()["user"]["id"] == variant.pk
    assert login("owner").json()["user"]["id"] == owner.pk
