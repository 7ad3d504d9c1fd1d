"""Issue 7 item 1: client-writable JSON documents have a schema; nothing too deep is stored or breaks a page."""

import pytest
from django.db import connection

from trackbase.accounts.models import User
from trackbase.accounts.tests.factories import DEFAULT_PASSWORD
from trackbase.core.testing import assert_problem, signed_in

pytestmark = pytest.mark.django_db

PROFILE = "/api/profile/"


def nested(depth: int) -> dict:
    document: dict = {}
    for _ in range(depth):
        document = {"a": document}
    return document


def deep_body(depth: int, *, under: str | None = None) -> bytes:
    """`depth` nested objects as JSON text, optionally the value of `under`; built as text because
    encoders (the test client's, orjson) refuse to write what this test needs to send."""
    text = '{"a":' * (depth - 1) + "{}" + "}" * (depth - 1)
    return (f'{{"{under}":{text}}}' if under else text).encode()


def send_raw(client, method: str, path: str, body: bytes):
    return getattr(client, method)(path, body, content_type="application/json")


@pytest.mark.parametrize("depth", [254, 300, 1000])
def test_it_refuses_a_too_deep_privacy_document_and_stores_nothing(owner, owner_client, depth):
    response = send_raw(owner_client, "patch", PROFILE, deep_body(depth, under="privacy_settings"))

    assert_problem(response, 400)
    owner.refresh_from_db()
    assert owner.privacy_settings == {"profile": "friends", "scores": "group"}
    assert owner_client.get(PROFILE).status_code == 200


def test_it_refuses_a_body_nested_deeper_than_the_parser_allows(owner_client):
    assert_problem(send_raw(owner_client, "patch", PROFILE, deep_body(200)), 400, "MALFORMED_REQUEST")


@pytest.mark.parametrize(
    "privacy",
    [
        {"profile": {"a": {}}},
        {"profile": "everyone-on-earth"},
        {"profile": "private", "colour": "blue"},
        {"scores": 1},
        {"profile": "x" * 10_000},
    ],
    ids=["nested-value", "unknown-level", "unknown-key", "not-a-string", "huge-string"],
)
def test_it_refuses_a_privacy_document_outside_its_schema(owner, owner_client, privacy):
    body = assert_problem(owner_client.patch(PROFILE, {"privacy_settings": privacy}, format="json"), 400)

    assert "privacy_settings" in body["errors"]
    owner.refresh_from_db()
    assert owner.privacy_settings == {"profile": "friends", "scores": "group"}


def test_it_accepts_every_documented_privacy_level(owner, owner_client):
    response = owner_client.patch(
        PROFILE, {"privacy_settings": {"profile": "public", "scores": "private"}}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["privacy_settings"] == {"profile": "public", "scores": "private"}


@pytest.mark.parametrize("field", ["privacy_settings", "notification_preferences"])
def test_a_document_already_stored_too_deep_breaks_no_page(owner, admin_user, field):
    if connection.vendor == "mysql":
        pytest.skip("MariaDB's JSON_VALID check refuses documents over 32 levels deep: none can be stored there")
    User.objects.filter(pk=owner.pk).update(**{field: nested(300)})

    assert signed_in(owner).get(PROFILE).status_code == 200
    login = {"login": owner.username, "password": DEFAULT_PASSWORD}
    assert signed_in(None).post("/api/auth/login/", login, format="json").status_code == 200
    admin = signed_in(admin_user)
    assert admin.get("/api/admin/users/").status_code == 200
    assert admin.get(f"/api/admin/users/{owner.pk}/").status_code == 200
