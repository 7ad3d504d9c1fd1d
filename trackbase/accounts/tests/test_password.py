import pytest
from django.conf import settings
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from trackbase.accounts.apis import PASSWORD_RESET_SENT
from trackbase.accounts.tests.factories import DEFAULT_PASSWORD
from trackbase.accounts.tests.helpers import (
    NEW_PASSWORD,
    TEN_MEGABYTES,
    login,
    login_tokens,
    mailed_token,
    post_json,
    refresh,
    without_request_id,
)
from trackbase.core.testing import assert_client_error, assert_problem, bearer, travel

pytestmark = pytest.mark.django_db

RESET = "/api/auth/password/reset/"
CONFIRM = "/api/auth/password/reset/confirm/"
CHANGE = "/api/auth/password/change/"


def request_reset(email: str):
    return post_json(RESET, {"email": email})


def confirm_reset(token: str, new_password: str = NEW_PASSWORD):
    return post_json(CONFIRM, {"token": token, "new_password": new_password})


def assert_status(response, status: int) -> dict:
    assert response.status_code == status, response.content
    return response.json()


@pytest.fixture
def mail_reset_token(owner, mailoutbox, django_capture_on_commit_callbacks):
    """Ask for a reset of the owner's password; return the token the email carries."""

    def mail() -> str:
        with django_capture_on_commit_callbacks(execute=True):
            assert request_reset("owner@example.com").status_code == 202
        return mailed_token(mailoutbox[-1])

    return mail


@pytest.fixture
def reset_token(mail_reset_token) -> str:
    return mail_reset_token()


def test_it_answers_the_same_whether_or_not_the_account_exists(owner, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        known = assert_status(request_reset("owner@example.com"), 202)
        unknown = assert_status(request_reset("nobody@example.com"), 202)

    assert without_request_id(known) == without_request_id(unknown) == {"detail": PASSWORD_RESET_SENT}
    assert [message.to for message in mailoutbox] == [["owner@example.com"]]


def test_it_finds_the_account_whatever_the_email_case(owner, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_reset("OWNER@Example.COM")

    assert [message.to for message in mailoutbox] == [["owner@example.com"]]
    assert mailoutbox[0].subject == "Reset your password"


def test_it_mails_nothing_for_an_inactive_account(owner, mailoutbox, django_capture_on_commit_callbacks):
    owner.is_active = False
    owner.save()

    with django_capture_on_commit_callbacks(execute=True):
        assert request_reset("owner@example.com").status_code == 202

    assert mailoutbox == []


@pytest.mark.parametrize("data", [{}, {"email": "not-an-email"}, {"email": None}, {"email": TEN_MEGABYTES}, ["x"]])
def test_it_refuses_a_reset_request_without_a_valid_email(data):
    assert_client_error(post_json(RESET, data))


def test_it_sets_the_new_password_with_the_mailed_token(owner, reset_token):
    response = confirm_reset(reset_token)

    assert response.status_code == 200, response.content
    assert login("owner", NEW_PASSWORD).status_code == 200
    assert_problem(login("owner", DEFAULT_PASSWORD), 401, "INVALID_CREDENTIALS")


def test_it_ends_every_session_on_reset(owner, owner_client, mail_reset_token):
    session = login_tokens(owner)

    assert confirm_reset(mail_reset_token()).status_code == 200

    assert_problem(refresh(session["refresh"]), 401, "TOKEN_REVOKED")
    assert_problem(bearer(session["access"]).get("/api/profile/"), 401, "AUTHENTICATION_FAILED")
    assert_problem(owner_client.get("/api/profile/"), 401, "AUTHENTICATION_FAILED")


def test_it_accepts_a_reset_token_only_once(owner, reset_token):
    assert confirm_reset(reset_token).status_code == 200

    assert_problem(confirm_reset(reset_token, "Yet-Another-Secret-5"), 400, "RESET_TOKEN_INVALID")
    assert login("owner", NEW_PASSWORD).status_code == 200


def test_it_spends_the_reset_token_when_the_user_signs_in_meanwhile(owner, reset_token):
    # Django's reset tokens hash last_login: remembering the old password makes the request moot.
    login_tokens(owner)

    assert_problem(confirm_reset(reset_token), 400, "RESET_TOKEN_INVALID")


def test_it_accepts_a_reset_token_until_it_expires(owner, reset_token, time_machine):
    travel(time_machine, seconds=settings.PASSWORD_RESET_TIMEOUT - 60)
    assert confirm_reset(reset_token, "Weak").status_code == 400  # still a valid token: only the password failed

    travel(time_machine, seconds=61)

    assert_problem(confirm_reset(reset_token), 400, "RESET_TOKEN_INVALID")


def _b64(value) -> str:
    return urlsafe_base64_encode(force_bytes(value))


FOREIGN_UIDS = {
    "huge-uid": _b64(10**30),
    "negative-uid": _b64(-1),
    "zero-uid": _b64(0),
    "undecodable-uid": "!!!",
    "non-utf8-uid": _b64(b"\xff\xfe"),
    "empty-uid": "",
}


@pytest.mark.parametrize("uid", FOREIGN_UIDS.values(), ids=FOREIGN_UIDS.keys())
def test_it_refuses_a_reset_token_with_a_forged_user_part(owner, reset_token, uid):
    assert_problem(confirm_reset(f"{uid}.{reset_token.partition('.')[2]}"), 400, "RESET_TOKEN_INVALID")


def test_it_refuses_a_reset_token_moved_to_another_account(owner, outsider, reset_token):
    moved = f"{_b64(outsider.pk)}.{reset_token.partition('.')[2]}"

    assert_problem(confirm_reset(moved), 400, "RESET_TOKEN_INVALID")

    assert login("outsider", DEFAULT_PASSWORD).status_code == 200


@pytest.mark.parametrize(
    "tamper",
    [lambda token: token[:-1] + ("a" if token[-1] != "a" else "b"), lambda token: token.replace(".", "")],
    ids=["flipped-last-char", "no-separator"],
)
def test_it_refuses_a_tampered_reset_token(owner, reset_token, tamper):
    assert_problem(confirm_reset(tamper(reset_token)), 400, "RESET_TOKEN_INVALID")

    assert login("owner", DEFAULT_PASSWORD).status_code == 200


def test_it_refuses_a_reset_token_of_a_deactivated_account(owner, reset_token):
    owner.is_active = False
    owner.save()

    assert_problem(confirm_reset(reset_token), 400, "RESET_TOKEN_INVALID")


def test_it_refuses_a_weak_new_password_and_keeps_the_token_usable(owner, reset_token):
    body = assert_problem(confirm_reset(reset_token, "password"), 400, "VALIDATION_ERROR")

    assert "This password is too common." in body["errors"]["new_password"]
    assert confirm_reset(reset_token).status_code == 200


@pytest.mark.parametrize(
    "data",
    [{}, {"token": None, "new_password": NEW_PASSWORD}, {"token": TEN_MEGABYTES, "new_password": NEW_PASSWORD}],
    ids=["empty", "null-token", "10mb-token"],
)
def test_it_refuses_a_confirmation_without_a_usable_token(data):
    assert_client_error(post_json(CONFIRM, data))


def change_password(client, current: str = DEFAULT_PASSWORD, new: str = NEW_PASSWORD):
    return post_json(CHANGE, {"current_password": current, "new_password": new}, client)


def test_it_changes_the_password_and_returns_a_new_session(owner, owner_client):
    response = change_password(owner_client)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["user"]["id"] == owner.pk
    assert bearer(body["access"]).get("/api/profile/").status_code == 200
    assert refresh(body["refresh"]).status_code == 200
    assert login("owner", NEW_PASSWORD).status_code == 200


def test_it_ends_the_old_sessions_on_change(owner, owner_client):
    session = login_tokens(owner)

    assert change_password(owner_client).status_code == 200

    assert_problem(refresh(session["refresh"]), 401, "TOKEN_REVOKED")
    assert_problem(bearer(session["access"]).get("/api/profile/"), 401, "AUTHENTICATION_FAILED")
    assert_problem(owner_client.get("/api/profile/"), 401, "AUTHENTICATION_FAILED")


def test_it_refuses_a_wrong_current_password(owner, owner_client):
    body = assert_problem(change_password(owner_client, current="Not-My-Password-1"), 400, "VALIDATION_ERROR")

    assert body["errors"] == {"current_password": ["The current password is incorrect."]}
    assert login("owner", DEFAULT_PASSWORD).status_code == 200


def test_it_refuses_a_weak_new_password_on_change(owner, owner_client):
    body = assert_problem(change_password(owner_client, new="owner123"), 400, "VALIDATION_ERROR")

    assert "new_password" in body["errors"]
    assert login("owner", DEFAULT_PASSWORD).status_code == 200


def test_it_refuses_an_anonymous_password_change(anon_client):
    assert_problem(change_password(anon_client), 401, "NOT_AUTHENTICATED")
