"""`GET/PUT /api/notifications/settings/` (seed 003), also at `/me/notifications/settings`."""

import pytest

from trackbase.core.testing import assert_problem, field_errors, me_paths

pytestmark = pytest.mark.django_db

SETTINGS = "/api/notifications/settings/"
ALL_ON = {"in_app": True, "realtime": True, "push": True}


def put(client, body, path=SETTINGS):
    return client.put(path, body, format="json")


@pytest.mark.parametrize("path", [SETTINGS, "/api/notifications/settings", *me_paths("notifications/settings")])
def test_it_shows_every_channel_on_for_a_new_user(owner_client, path):
    response = owner_client.get(path)

    assert response.status_code == 200
    assert response.json() == {"default": ALL_ON, "types": {}}


def test_it_saves_defaults_and_per_type_overrides(owner_client, owner):
    body = {"default": {"push": False}, "types": {"TRAIN_DELAY": {"push": True}, "TRAIN_CANCELLED": {"in_app": False}}}

    response = put(owner_client, body)

    expected = {
        "default": {"in_app": True, "realtime": True, "push": False},
        "types": {"TRAIN_DELAY": {"push": True}, "TRAIN_CANCELLED": {"in_app": False}},
    }
    assert response.status_code == 200
    assert response.json() == expected
    assert owner_client.get("/me/notifications/settings").json() == expected
    owner.refresh_from_db()
    assert owner.notification_preferences == expected


def test_a_put_replaces_the_whole_document(owner_client):
    put(owner_client, {"default": {"push": False}, "types": {"TRAIN_DELAY": {"realtime": False}}})

    response = put(owner_client, {"types": {"TRAIN_CANCELLED": {"push": False}}})

    assert response.json() == {"default": ALL_ON, "types": {"TRAIN_CANCELLED": {"push": False}}}


def test_it_leaves_keys_written_by_other_apps_alone(owner_client, owner):
    owner.notification_preferences = {"email_digest": "weekly"}
    owner.save()

    put(owner_client, {"default": {"realtime": False}})

    owner.refresh_from_db()
    assert owner.notification_preferences["email_digest"] == "weekly"


def test_it_reads_a_document_someone_else_mangled(owner_client, owner):
    owner.notification_preferences = {"default": "nope", "types": {"TRAIN_DELAY": {"push": "no"}}, "push": False}
    owner.save()

    assert owner_client.get(SETTINGS).json() == {"default": ALL_ON, "types": {}}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"default": {"sms": True}}, "default"),
        ({"default": {"push": "false"}}, "default"),
        ({"default": {"push": 0}}, "default"),
        ({"default": {"push": None}}, "default"),
        ({"default": {"push": "yes"}}, "default"),
        ({"default": []}, "default"),
        ({"default": "off"}, "default"),
        ({"types": {"TRAIN_DELAY": {"email": False}}}, "types"),
        ({"types": {"TRAIN_DELAY": {"push": 1}}}, "types"),
        ({"types": {"TRAIN_DELAY": True}}, "types"),
        ({"types": ["TRAIN_DELAY"]}, "types"),
        ({"types": {"train delay": {"push": False}}}, "types"),
        ({"types": {"X" * 51: {"push": False}}}, "types"),
        ({"types": {f"T{n}": {"push": False} for n in range(101)}}, "types"),
        ({"channels": {"push": False}}, "channels"),
        ({"push": False}, "push"),
    ],
)
def test_it_rejects_anything_but_the_documented_shape(owner_client, owner, body, field):
    response = put(owner_client, body)

    field_errors(response, field)
    owner.refresh_from_db()
    assert owner.notification_preferences == {}


@pytest.mark.parametrize("body", [[], "push=false", 42])
def test_it_rejects_a_body_that_is_not_an_object(owner_client, body):
    response = put(owner_client, body)

    assert assert_problem(response, 400, "VALIDATION_ERROR")


def test_each_user_has_their_own_settings(owner_client, outsider_client):
    put(owner_client, {"default": {"push": False}})

    assert outsider_client.get(SETTINGS).json() == {"default": ALL_ON, "types": {}}


@pytest.mark.parametrize("method", ["get", "put"])
def test_it_requires_a_signed_in_user(anon_client, method):
    response = getattr(anon_client, method)(SETTINGS, {"default": {"push": False}}, format="json")

    assert_problem(response, 401, "NOT_AUTHENTICATED")
