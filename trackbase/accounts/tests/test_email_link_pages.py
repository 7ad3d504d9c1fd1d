"""With no FRONTEND_URL, the links in account emails open pages this server serves, and they work."""

import re

import pytest
from django.core import mail

from trackbase.accounts.models import User
from trackbase.accounts.tests.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.urls("config.urls")]

NEW_PASSWORD = "Brand-new-Secret7"


@pytest.fixture(autouse=True)
def _no_frontend(settings):
    settings.FRONTEND_URL = ""
    settings.PUBLIC_URL = "http://127.0.0.1:8000"


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Send a request whose email goes out after commit."""

    def send(client, path, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data, format="json")

    return send


def _mailed_path(page: str) -> str:
    (message,) = mail.outbox
    match = re.search(rf"http://127\.0\.0\.1:8000(/{page}\?token=\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_the_verification_link_opens_a_page_that_verifies_the_email(client, owner, owner_client, sent):
    User.objects.filter(pk=owner.pk).update(email_verified=False)
    sent(owner_client, "/api/auth/verify-email/resend/")
    path = _mailed_path("verify-email")

    page = client.get(path)
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert b"Confirm my email address" in page.content
    owner.refresh_from_db()
    assert not owner.email_verified  # opening the link (a mail scanner does) changes nothing

    done = client.post("/verify-email", {"token": path.split("token=", 1)[1]})
    assert done.status_code == 200
    assert b"Email address confirmed" in done.content
    owner.refresh_from_db()
    assert owner.email_verified


def test_the_reset_link_opens_a_page_that_sets_the_new_password(client, owner, anon_client, sent):
    sent(anon_client, "/api/auth/password/reset/", {"email": owner.email})
    path = _mailed_path("reset-password")
    token = path.split("token=", 1)[1]

    assert b'name="new_password"' in client.get(path).content
    done = client.post(
        "/reset-password", {"token": token, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}
    )

    assert done.status_code == 200, done.content
    assert b"Password changed" in done.content
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)


def test_the_reset_page_shows_why_a_password_is_refused(client, owner, anon_client, sent):
    sent(anon_client, "/api/auth/password/reset/", {"email": owner.email})
    token = _mailed_path("reset-password").split("token=", 1)[1]

    short = client.post("/reset-password", {"token": token, "new_password": "abc", "new_password_again": "abc"})
    differ = client.post("/reset-password", {"token": token, "new_password": NEW_PASSWORD, "new_password_again": "x"})

    assert (short.status_code, differ.status_code) == (400, 400)
    assert b"too short" in short.content
    assert b"The two passwords differ." in differ.content
    owner.refresh_from_db()
    assert owner.check_password(DEFAULT_PASSWORD)


def test_a_bad_token_says_the_link_is_invalid(client):
    response = client.post("/verify-email", {"token": "forged"})

    assert response.status_code == 400
    assert b"invalid or expired" in response.content


def test_the_pages_are_left_to_a_configured_frontend(client, settings):
    settings.FRONTEND_URL = "https://app.example.com"

    assert client.get("/verify-email?token=x").status_code == 404
    assert client.get("/reset-password?token=x").status_code == 404
