import pytest
from django.core import signing

from trackbase.accounts.emails import EMAIL_VERIFICATION_SALT
from trackbase.accounts.models import User
from trackbase.accounts.tests.factories import UserFactory
from trackbase.accounts.tests.helpers import TEN_MEGABYTES, mailed_token, post_json
from trackbase.core.testing import assert_client_error, assert_problem, bearer, client_for, travel

pytestmark = pytest.mark.django_db

VERIFY = "/api/auth/verify-email/"
RESEND = "/api/auth/verify-email/resend/"


@pytest.fixture
def mailed(mailoutbox, django_capture_on_commit_callbacks):
    """Send a request whose email goes out after commit; return the response."""

    def send(path: str, data=None, client=None, method: str = "post"):
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(client, method)(path, data, format="json") if client else post_json(path, data)

    return send


@pytest.fixture
def ann(mailed, mailoutbox) -> dict:
    """A fresh registration: its session and the token of its verification email."""
    response = mailed(
        "/api/auth/register/", {"email": "ann@example.com", "password": "Secret123x", "first_name": "Ann"}
    )
    assert response.status_code == 201, response.content
    (message,) = mailoutbox
    return {**response.json(), "token": mailed_token(message)}


def verify(token: str):
    return post_json(VERIFY, {"token": token})


def test_it_mails_a_verification_token_on_registration(ann, mailoutbox):
    (message,) = mailoutbox

    assert message.to == ["ann@example.com"]
    assert message.subject == "Confirm your email address"
    assert f"verify-email?token={ann['token']}" in message.body


def test_it_verifies_the_email_with_the_mailed_token(ann):
    response = verify(ann["token"])

    assert response.status_code == 200, response.content
    assert response.json() == {"detail": "Email verified."}
    assert bearer(ann["access"]).get("/api/profile/").json()["email_verified"] is True


def test_it_accepts_the_same_token_again(ann):
    assert verify(ann["token"]).status_code == 200

    assert verify(ann["token"]).status_code == 200
    assert User.objects.get().email_verified is True


def test_it_refuses_a_token_made_for_a_previous_email(ann, mailed, mailoutbox):
    response = mailed("/api/profile/", {"email": "ann.new@example.com"}, bearer(ann["access"]), "patch")
    assert response.status_code == 200, response.content

    assert_problem(verify(ann["token"]), 400, "VERIFICATION_TOKEN_INVALID")

    assert mailoutbox[-1].to == ["ann.new@example.com"]
    assert verify(mailed_token(mailoutbox[-1])).status_code == 200
    assert User.objects.get().email_verified is True


def test_it_refuses_an_expired_token(ann, time_machine):
    travel(time_machine, days=3, minutes=1)

    assert_problem(verify(ann["token"]), 400, "VERIFICATION_TOKEN_INVALID")
    assert User.objects.get().email_verified is False


def _flipped(token: str, user) -> str:
    return token[:-1] + ("a" if token[-1] != "a" else "b")


def _truncated(token: str, user) -> str:
    return token[: len(token) // 2]


def _other_salt(token: str, user) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt="trackbase.accounts.password-reset")


def _other_key(token: str, user) -> str:
    payload = {"user": user.pk, "email": user.email}
    return signing.dumps(payload, key="not-the-secret-key", salt=EMAIL_VERIFICATION_SALT, compress=True)


def _garbage(token: str, user) -> str:
    return "garbage"


@pytest.mark.parametrize(
    "tamper",
    [_flipped, _truncated, _other_salt, _other_key, _garbage],
    ids=lambda tamper: tamper.__name__.strip("_"),
)
def test_it_refuses_a_tampered_token(ann, tamper):
    user = User.objects.get()

    assert_problem(verify(tamper(ann["token"], user)), 400, "VERIFICATION_TOKEN_INVALID")

    user.refresh_from_db()
    assert user.email_verified is False


@pytest.mark.parametrize("data", [{}, {"token": None}, {"token": ""}, {"token": TEN_MEGABYTES}, ["x"]])
def test_it_refuses_a_verification_without_a_usable_token(data):
    assert_client_error(post_json(VERIFY, data))


def test_it_resends_the_verification_email(owner, owner_client, mailed, mailoutbox):
    response = mailed(RESEND, client=owner_client)

    assert response.status_code == 202, response.content
    (message,) = mailoutbox
    assert message.to == ["owner@example.com"]
    assert verify(mailed_token(message)).status_code == 200
    owner.refresh_from_db()
    assert owner.email_verified is True


@pytest.mark.parametrize("state", [{"email_verified": True}, {"email": None}], ids=["verified", "no-email"])
def test_it_resends_nothing_when_there_is_nothing_to_verify(mailed, mailoutbox, state):
    user = UserFactory(**state)

    response = mailed(RESEND, client=client_for(user))

    assert response.status_code == 202, response.content
    assert mailoutbox == []


def test_it_refuses_an_anonymous_resend(anon_client):
    assert_problem(anon_client.post(RESEND), 401, "NOT_AUTHENTICATED")
