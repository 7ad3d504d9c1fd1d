from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from trackbase.accounts.models import Role
from trackbase.accounts.tests.factories import DEFAULT_PASSWORD
from trackbase.accounts.tests.helpers import TEN_MEGABYTES, mailed_token, png_upload, post_json
from trackbase.core.testing import assert_client_error, assert_problem

pytestmark = pytest.mark.django_db

PROFILE = "/api/profile/"
PROFILE_FIELDS = {
    "id", "username", "email", "name", "first_name", "last_name", "role", "email_verified", "timezone", "avatar",
    "notification_preferences", "privacy_settings", "is_active", "created_at", "updated_at", "last_login_at",
}  # fmt: skip


@pytest.fixture(params=["put", "patch"])
def update(request, owner_client):
    """PUT and PATCH both update only the fields they are given."""

    def send(data, fmt: str = "json"):
        return getattr(owner_client, request.param)(PROFILE, data, format=fmt)

    return send


def test_it_shows_the_callers_own_profile(owner, owner_client):
    response = owner_client.get(PROFILE)

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == PROFILE_FIELDS
    assert body.items() >= {"id": owner.pk, "username": "owner", "email": "owner@example.com", "role": "USER"}.items()
    assert body["privacy_settings"] == {"profile": "friends", "scores": "group"}


@pytest.mark.parametrize("method", ["get", "put", "patch"])
def test_it_refuses_an_anonymous_caller(anon_client, method):
    assert_problem(getattr(anon_client, method)(PROFILE, {}, format="json"), 401, "NOT_AUTHENTICATED")


def test_it_updates_only_the_given_fields(owner, update):
    response = update({"first_name": "Olga", "privacy_settings": {"profile": "private"}})

    assert response.status_code == 200, response.content
    owner.refresh_from_db()
    assert (owner.first_name, owner.privacy_settings) == ("Olga", {"profile": "private"})
    assert (owner.username, owner.email, owner.timezone) == ("owner", "owner@example.com", "UTC")
    assert response.json()["name"] == f"Olga {owner.last_name}".strip()


def test_it_accepts_an_iana_time_zone(owner, update):
    assert update({"timezone": "Europe/Berlin"}).json()["timezone"] == "Europe/Berlin"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "../../etc/passwd", "europe/berlin"])
def test_it_refuses_an_unknown_time_zone(owner, update, zone):
    body = assert_problem(update({"timezone": zone}), 400, "VALIDATION_ERROR")

    assert "timezone" in body["errors"]
    owner.refresh_from_db()
    assert owner.timezone == "UTC"


def test_it_asks_to_verify_a_changed_email(owner, update, mailoutbox, django_capture_on_commit_callbacks):
    owner.email_verified = True
    owner.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = update({"email": "Olga@Example.com"})

    assert response.status_code == 200, response.content
    assert response.json().items() >= {"email": "olga@example.com", "email_verified": False}.items()
    (message,) = mailoutbox
    assert message.to == ["olga@example.com"]
    assert post_json("/api/auth/verify-email/", {"token": mailed_token(message)}).status_code == 200


def test_it_keeps_the_verification_when_the_email_only_changes_case(owner, update, mailoutbox):
    owner.email_verified = True
    owner.save()

    assert update({"email": "OWNER@example.com"}).json()["email_verified"] is True
    assert mailoutbox == []


@pytest.mark.parametrize("email", ["outsider@example.com", "OUTSIDER@example.com"])
def test_it_refuses_an_email_another_account_has(owner, outsider, update, email):
    assert_problem(update({"email": email}), 409, "EMAIL_ALREADY_EXISTS")

    owner.refresh_from_db()
    assert owner.email == "owner@example.com"


@pytest.mark.parametrize("username", ["outsider", "OutSider"])
def test_it_refuses_a_username_another_account_has(owner, outsider, update, username):
    assert_problem(update({"username": username}), 409, "USERNAME_ALREADY_EXISTS")


def test_it_lets_the_email_be_removed(owner, update):
    assert update({"email": None}).json()["email"] is None


def test_it_ignores_fields_the_caller_may_not_write(owner, update):
    response = update(
        {
            "role": Role.ADMIN,
            "is_staff": True,
            "is_superuser": True,
            "is_active": False,
            "email_verified": True,
            "id": 999,
            "password": "Hijacked-Password-1",
            "last_login_at": "2020-01-01T00:00:00Z",
            "first_name": "Olga",
        }
    )

    assert response.status_code == 200, response.content
    owner.refresh_from_db()
    assert (owner.role, owner.is_staff, owner.is_superuser, owner.is_active) == (Role.USER, False, False, True)
    assert (owner.email_verified, owner.last_login_at, owner.first_name) == (False, None, "Olga")
    assert owner.check_password(DEFAULT_PASSWORD)


def test_it_stores_an_uploaded_avatar(owner, update, settings):
    response = update({"avatar": png_upload()}, "multipart")

    assert response.status_code == 200, response.content
    assert response.json()["avatar"].startswith("http://testserver/media/avatars/")
    owner.refresh_from_db()
    assert (Path(settings.MEDIA_ROOT) / owner.avatar.name).is_file()


def test_it_clears_the_avatar(owner, owner_client):
    owner_client.patch(PROFILE, {"avatar": png_upload()}, format="multipart")

    response = owner_client.patch(PROFILE, {"avatar": None}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["avatar"] is None


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("avatar.png", b"%PDF-1.4 not an image", content_type="image/png"),
        SimpleUploadedFile("avatar.txt", b"hello", content_type="text/plain"),
        SimpleUploadedFile("empty.png", b"", content_type="image/png"),
    ],
    ids=["pdf-named-png", "text", "empty"],
)
def test_it_refuses_an_avatar_that_is_not_an_image(owner, update, upload):
    body = assert_problem(update({"avatar": upload}, "multipart"), 400, "VALIDATION_ERROR")

    assert "avatar" in body["errors"]
    owner.refresh_from_db()
    assert not owner.avatar


def test_it_leaves_notification_preferences_to_their_own_endpoint(owner, update):
    # /api/notifications/settings/ validates their shape; the profile must not bypass it.
    response = update({"notification_preferences": {"push": False}})

    assert response.status_code == 200, response.content
    owner.refresh_from_db()
    assert owner.notification_preferences == {}


GARBAGE = {
    "json-list": [{"first_name": "Olga"}],
    "privacy-string": {"privacy_settings": "public"},
    "null-username": {"username": None},
    "invalid-username": {"username": "has space"},
    "invalid-email": {"email": "not-an-email"},
    "10mb-first-name": {"first_name": TEN_MEGABYTES},
    "avatar-as-string": {"avatar": "http://evil.example/a.png"},
}


@pytest.mark.parametrize("data", GARBAGE.values(), ids=GARBAGE.keys())
def test_it_refuses_garbage_with_a_problem(owner, update, data):
    assert_client_error(update(data))

    owner.refresh_from_db()
    assert (owner.username, owner.email) == ("owner", "owner@example.com")
