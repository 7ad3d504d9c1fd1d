import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import Argon2PasswordHasher as DjangoArgon2PasswordHasher
from django.contrib.auth.hashers import identify_hasher
from rest_framework.test import APIClient

from trackbase.accounts.models import Role, User
from trackbase.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from trackbase.accounts.tests.helpers import TEN_MEGABYTES, post_json
from trackbase.accounts.validators import PASSWORD_CLASSES_MESSAGE
from trackbase.core.testing import assert_client_error, assert_problem, bearer

pytestmark = pytest.mark.django_db

REGISTER = "/api/auth/register/"
# What config/settings.py configures, read before the test fixtures swap in a fast hasher.
PRODUCTION_HASHERS = list(django_settings.PASSWORD_HASHERS)
ANN = {"email": "ann@example.com", "password": "Secret123x", "first_name": "Ann"}


def register(data, client=None):
    return post_json(REGISTER, data, client)


def test_it_registers_a_user_and_mails_the_verification(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(ANN)

    assert response.status_code == 201, response.content
    assert response.json()["user"]["role"] == "USER"
    assert [message.to for message in mailoutbox] == [["ann@example.com"]]


def test_it_answers_with_the_seed_001_shape():
    response = register(ANN)

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"user", "access", "refresh"}
    user = User.objects.get(email="ann@example.com")
    assert body["user"].items() >= {"id": user.pk, "email": "ann@example.com", "name": "Ann", "role": "USER"}.items()
    assert bearer(body["access"]).get("/api/profile/").json()["id"] == user.pk


def test_it_registers_a_username_without_email_on_the_path_without_slash(mailoutbox):
    response = post_json("/api/auth/register", {"username": "seed004", "password": "Secret123x"})

    assert response.status_code == 201, response.content
    assert response.json()["user"].items() >= {"username": "seed004", "email": None, "name": "seed004"}.items()
    assert mailoutbox == []


def test_it_registers_any_number_of_accounts_without_email():
    for username in ("first", "second"):
        assert post_json(REGISTER, {"username": username, "password": "Secret123x"}).status_code == 201

    assert list(User.objects.values_list("email", flat=True)) == [None, None]


def test_it_derives_a_free_username_from_the_email():
    UserFactory(username="ann", email="someone.else@example.com")

    response = register(ANN)

    assert response.status_code == 201, response.content
    assert response.json()["user"]["username"].startswith("ann_")


def test_it_stores_the_email_lowercased():
    response = register({**ANN, "email": "  Ann@Example.COM "})

    assert response.status_code == 201, response.content
    assert User.objects.get().email == "ann@example.com"


@pytest.mark.parametrize(
    "privileges",
    [
        {"role": "ADMIN"},
        {"role": "WORKER"},
        {"is_staff": True, "is_superuser": True},
        {"email_verified": True, "is_active": False},
    ],
    ids=["admin-role", "worker-role", "staff-superuser", "verified-inactive"],
)
def test_it_always_creates_a_plain_active_user(privileges):
    response = register({**ANN, **privileges})

    assert response.status_code == 201, response.content
    user = User.objects.get(email="ann@example.com")
    assert (user.role, user.is_staff, user.is_superuser) == (Role.USER, False, False)
    assert (user.email_verified, user.is_active) == (False, True)


@pytest.mark.parametrize(
    ("existing", "attempt"),
    [("A@x.com", "a@x.com"), ("a@x.com", "A@X.COM"), ("a@x.com", " a@x.com ")],
)
def test_it_refuses_a_taken_email_whatever_its_case(existing, attempt):
    assert register({"email": existing, "password": "Secret123x"}).status_code == 201

    assert_problem(register({"email": attempt, "password": "Secret123x"}), 409, "EMAIL_ALREADY_EXISTS")
    assert User.objects.count() == 1


def test_it_refuses_an_email_stored_with_capitals_by_another_path():
    # createsuperuser and the Django admin keep the case of an email's local part.
    UserFactory(email="Ann@example.com")

    assert_problem(register(ANN), 409, "EMAIL_ALREADY_EXISTS")


@pytest.mark.parametrize("username", ["owner", "OWNER", "Owner"])
def test_it_refuses_a_taken_username_whatever_its_case(owner, username):
    response = register({"username": username, "email": "new@example.com", "password": "Secret123x"})

    assert_problem(response, 409, "USERNAME_ALREADY_EXISTS")


@pytest.mark.parametrize("username", ["ab", "has space", "semi;colon", "x" * 151, "émile"])
def test_it_refuses_an_invalid_username(username):
    body = assert_problem(register({"username": username, "password": "Secret123x"}), 400, "VALIDATION_ERROR")

    assert "username" in body["errors"]


def test_it_needs_a_username_or_an_email():
    body = assert_problem(register({"password": "Secret123x"}), 400, "VALIDATION_ERROR")

    assert body["errors"] == {"username": ["Give a username or an email address."]}


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Sh0rtAb", "This password is too short. It must contain at least 8 characters."),
        ("nouppercase9", PASSWORD_CLASSES_MESSAGE),
        ("NoDigitsHere", PASSWORD_CLASSES_MESSAGE),
        ("NOLOWERCASE9", PASSWORD_CLASSES_MESSAGE),
        ("Password123", "This password is too common."),
        ("73829104658", "This password is entirely numeric."),
        ("Martinezlopez1", "The password is too similar to the username."),
    ],
    ids=["too-short", "no-uppercase", "no-digit", "no-lowercase", "common", "numeric", "like-username"],
)
def test_it_enforces_the_password_policy(password, message):
    response = register({"username": "martinezlopez", "password": password})

    body = assert_problem(response, 400, "VALIDATION_ERROR")
    assert message in body["errors"]["password"]
    assert not User.objects.exists()


GARBAGE_JSON = {
    "empty-body": b"",
    "json-list": b'[{"email": "ann@example.com", "password": "Secret123x"}]',
    "json-string": b'"ann@example.com"',
    "json-number": b"42",
    "json-null": b"null",
    "malformed": b'{"email": "ann@example.com", "password": ',
    "not-utf8": b'{"email": "\xff\xfe"}',
}


@pytest.mark.parametrize("raw", GARBAGE_JSON.values(), ids=GARBAGE_JSON.keys())
def test_it_refuses_bodies_that_are_not_a_json_object(anon_client, raw):
    assert_client_error(anon_client.generic("POST", REGISTER, raw, content_type="application/json"))
    assert not User.objects.exists()


GARBAGE_FIELDS = {
    "missing-password": {"email": "ann@example.com"},
    "null-password": {"email": "ann@example.com", "password": None},
    "null-username": {"username": None, "password": "Secret123x"},
    "null-first-name": {**ANN, "first_name": None},
    "password-object": {"email": "ann@example.com", "password": {"$ne": ""}},
    "password-list": {"email": "ann@example.com", "password": ["Secret123x"]},
    "email-list": {"email": ["ann@example.com"], "password": "Secret123x"},
    "username-bool": {"username": True, "password": "Secret123x"},
    "invalid-email": {"email": "not-an-email", "password": "Secret123x"},
    "email-with-newline": {"email": "ann@example.com\nBcc: x@evil.com", "password": "Secret123x"},
    "nul-in-username": {"username": "ann\x00admin", "password": "Secret123x"},
    "10mb-password": {"email": "ann@example.com", "password": TEN_MEGABYTES},
    "10mb-email": {"email": TEN_MEGABYTES + "@example.com", "password": "Secret123x"},
    "10mb-first-name": {**ANN, "first_name": TEN_MEGABYTES},
    "129-char-password": {"email": "ann@example.com", "password": "Aa1" + "x" * 126},
}


@pytest.mark.parametrize("data", GARBAGE_FIELDS.values(), ids=GARBAGE_FIELDS.keys())
def test_it_refuses_garbage_fields_with_a_problem(data):
    assert_client_error(register(data))
    assert not User.objects.exists()


def test_it_refuses_a_media_type_it_does_not_parse(anon_client):
    response = anon_client.generic("POST", REGISTER, b"email=ann@example.com", content_type="text/plain")

    assert_problem(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_it_accepts_a_multipart_body():
    response = APIClient().post(REGISTER, ANN)

    assert response.status_code == 201, response.content


def test_it_ignores_a_bad_bearer_token_on_a_public_endpoint():
    response = register(ANN, bearer("not-a-jwt"))

    assert response.status_code == 201, response.content


def test_it_stores_the_password_hashed_with_argon2id_at_owasp_parameters(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS

    assert register(ANN).status_code == 201

    user = User.objects.get()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert "$argon2id$v=19$m=19456,t=2,p=1$" in user.password
    assert user.check_password("Secret123x")


def test_a_hash_made_with_djangos_argon2_parameters_is_upgraded_at_login(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    user = UserFactory(username="legacy")
    User.objects.filter(pk=user.pk).update(
        password=DjangoArgon2PasswordHasher().encode(DEFAULT_PASSWORD, "saltsaltsalt")
    )

    assert post_json("/api/auth/login/", {"username": "legacy", "password": DEFAULT_PASSWORD}).status_code == 200

    assert "$m=19456,t=2,p=1$" in User.objects.get(pk=user.pk).password
