"""`/api/devices/`: register, take over, list and unregister push devices."""

import base64
import os

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import IntegrityError, transaction

from trackbase.accounts import device_services
from trackbase.accounts.devices import Device, token_digest
from trackbase.core.testing import assert_client_error, assert_problem, client_for, travel

pytestmark = pytest.mark.django_db

DEVICES = "/api/devices/"
IOS_TOKEN = "a1" * 32
FCM_TOKEN = "cKbW3L1vQ0e:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx"
ENDPOINT = "https://fcm.googleapis.com/fcm/send/dGVzdC1zdWJzY3JpcHRpb24"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def browser_keys() -> dict:
    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    point = public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {"p256dh": b64url(point), "auth": b64url(os.urandom(16))}


def subscription(endpoint: str = ENDPOINT, **keys) -> dict:
    return {"endpoint": endpoint, "expirationTime": None, "keys": browser_keys() | keys}


def register(client, **body):
    return client.post(DEVICES, body, format="json")


def listed_tokens(client) -> list[str]:
    return [device["token"] for device in client.get(DEVICES).json()["results"]]


# --- Registering -----------------------------------------------------------------------------------
def test_it_registers_an_iphone(owner_client, owner):
    response = register(owner_client, platform="ios", token=IOS_TOKEN, name="Olga's iPhone")

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "platform", "token", "name", "created_at", "updated_at"}
    assert (body["platform"], body["token"], body["name"]) == ("ios", IOS_TOKEN, "Olga's iPhone")
    device = Device.objects.get()
    assert (device.user, device.is_active, device.token_digest) == (owner, True, token_digest(IOS_TOKEN))


@pytest.mark.parametrize("spelling", [IOS_TOKEN.upper(), f"<{IOS_TOKEN[:8]} {IOS_TOKEN[8:]}>"])
def test_it_stores_an_apns_token_in_its_canonical_form(owner_client, spelling):
    response = register(owner_client, platform="ios", token=spelling)

    assert response.status_code == 201
    assert response.json()["token"] == IOS_TOKEN


def test_it_registers_an_android_phone(owner_client):
    response = register(owner_client, platform="android", token=FCM_TOKEN)

    assert response.status_code == 201
    assert response.json()["token"] == FCM_TOKEN


def test_it_registers_a_browser_by_its_subscription(owner_client):
    sub = subscription()

    response = register(owner_client, platform="web", subscription=sub, name="Firefox")

    assert response.status_code == 201, response.content
    assert (response.json()["platform"], response.json()["token"]) == ("web", ENDPOINT)
    device = Device.objects.get()
    assert device.web_push_keys == sub["keys"]
    assert device.web_push_subscription == {"endpoint": ENDPOINT, "keys": sub["keys"]}


def test_it_accepts_the_endpoint_repeated_as_the_token(owner_client):
    assert register(owner_client, platform="web", token=ENDPOINT, subscription=subscription()).status_code == 201


def test_it_answers_200_when_the_caller_registers_the_same_token_again(owner_client):
    first = register(owner_client, platform="ios", token=IOS_TOKEN, name="old name")

    again = register(owner_client, platform="ios", token=IOS_TOKEN, name="new name")

    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Device.objects.get().name == "new name"


def test_it_keeps_the_name_when_a_re_registration_sends_none(owner_client):
    register(owner_client, platform="ios", token=IOS_TOKEN, name="Olga's iPhone")

    register(owner_client, platform="ios", token=IOS_TOKEN)

    assert Device.objects.get().name == "Olga's iPhone"


def test_it_hands_a_token_to_whoever_registers_it_last(owner_client, outsider_client, outsider):
    register(owner_client, platform="ios", token=IOS_TOKEN, name="shared iPad")

    response = register(outsider_client, platform="ios", token=IOS_TOKEN)

    assert response.status_code == 201
    device = Device.objects.get()
    assert (device.user, device.name) == (outsider, "")
    assert listed_tokens(owner_client) == []
    assert listed_tokens(outsider_client) == [IOS_TOKEN]


def test_it_revives_a_device_the_provider_had_declared_dead(owner_client):
    device_id = register(owner_client, platform="ios", token=IOS_TOKEN).json()["id"]
    device_services.device_deactivate(device_id=device_id, reason="APNs 410 Unregistered")

    response = register(owner_client, platform="ios", token=IOS_TOKEN)

    assert response.status_code == 200
    device = Device.objects.get()
    assert (device.is_active, device.deactivated_reason) == (True, "")


def test_it_forgets_the_least_recently_registered_devices_beyond_the_limit(owner_client, time_machine):
    tokens = [f"{n:064x}" for n in range(device_services.MAX_DEVICES_PER_USER + 2)]
    for token in tokens:
        travel(time_machine, seconds=1)
        assert register(owner_client, platform="ios", token=token).status_code == 201

    assert Device.objects.count() == device_services.MAX_DEVICES_PER_USER
    assert not Device.objects.filter(token__in=tokens[:2]).exists()


def test_it_allows_one_device_per_token_in_the_database(owner, outsider):
    Device.objects.create(user=owner, platform="ios", token=IOS_TOKEN, token_digest=token_digest(IOS_TOKEN))

    with pytest.raises(IntegrityError), transaction.atomic():
        Device.objects.create(user=outsider, platform="ios", token=IOS_TOKEN, token_digest=token_digest(IOS_TOKEN))


# --- Hostile and malformed registrations -------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"platform": "ios"}, "token"),
        ({"platform": "ios", "token": "not-hex-at-all"}, "token"),
        ({"platform": "ios", "token": "ab" * 10}, "token"),
        ({"platform": "ios", "token": "ab" * 101}, "token"),
        ({"platform": "ios", "token": ""}, "token"),
        ({"platform": "ios", "token": ["a1" * 32]}, "token"),
        ({"platform": "ios", "token": {"x": 1}}, "token"),
        ({"platform": "ios", "token": "a" * 5000}, "token"),
        ({"platform": "ios", "token": IOS_TOKEN, "subscription": subscription()}, "subscription"),
        ({"platform": "android", "token": "short"}, "token"),
        ({"platform": "android", "token": "has spaces in it, which FCM never does"}, "token"),
        ({"platform": "blackberry", "token": IOS_TOKEN}, "platform"),
        ({"platform": None, "token": IOS_TOKEN}, "platform"),
        ({"token": IOS_TOKEN}, "platform"),
        ({"platform": "ios", "token": IOS_TOKEN, "name": "x" * 101}, "name"),
        ({"platform": "web"}, "subscription"),
        ({"platform": "web", "token": ENDPOINT}, "subscription"),
        ({"platform": "web", "subscription": '{"endpoint": "x"}'}, "subscription"),
        ({"platform": "web", "subscription": {"endpoint": ENDPOINT}}, "subscription"),
        ({"platform": "web", "subscription": subscription(), "token": "https://other.example/"}, "token"),
    ],
)
def test_it_rejects_a_malformed_registration(owner_client, body, field):
    response = register(owner_client, **body)

    errors = assert_problem(response, 400, "VALIDATION_ERROR")["errors"]
    assert field in errors, errors
    assert not Device.objects.exists()


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://fcm.googleapis.com/fcm/send/abc",  # plain http across a network
        "https://169.254.169.254/latest/meta-data",  # not a push service: the cloud metadata endpoint
        "https://internal.example.com/push",
        "https://fcm.googleapis.com.evil.example/push",
        "https://user:secret@fcm.googleapis.com/fcm/send/abc",
        "ftp://fcm.googleapis.com/x",
        "https://fcm.googleapis.com:notaport/x",
        "not a url",
        "https://" + "a" * 1100 + ".fcm.googleapis.com/",
    ],
)
def test_it_refuses_an_endpoint_that_is_not_a_known_push_service(owner_client, endpoint):
    response = register(owner_client, platform="web", subscription=subscription(endpoint))

    errors = assert_problem(response, 400, "VALIDATION_ERROR")["errors"]
    assert "subscription" in errors
    assert not Device.objects.exists()


def test_it_accepts_subdomains_of_a_known_push_service(owner_client):
    endpoint = "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB"

    assert register(owner_client, platform="web", subscription=subscription(endpoint)).status_code == 201


@pytest.mark.parametrize(
    "keys",
    [
        {"p256dh": "not base64!", "auth": b64url(os.urandom(16))},
        {"p256dh": b64url(b"\x04" + os.urandom(64)), "auth": b64url(os.urandom(16))},  # not a point on P-256
        {"p256dh": b64url(os.urandom(33))},
        {"auth": b64url(os.urandom(15))},
        {"auth": "@@@@"},
    ],
)
def test_it_refuses_subscription_keys_that_cannot_encrypt(owner_client, keys):
    response = register(owner_client, platform="web", subscription=subscription(**keys))

    errors = assert_problem(response, 400, "VALIDATION_ERROR")["errors"]
    assert "keys" in errors["subscription"], errors


@pytest.mark.parametrize("body", [[], "ios", 42, None, {"platform": ["ios"]}, {"a": {"b": {"c": []}}}])
def test_it_answers_garbage_with_a_client_error(owner_client, body):
    response = owner_client.post(DEVICES, body, format="json")

    assert_client_error(response)


def test_it_answers_a_body_that_is_not_json_with_a_client_error(owner_client):
    response = owner_client.post(DEVICES, b"{not json", content_type="application/json")

    assert_client_error(response)


# --- Listing --------------------------------------------------------------------------------------
def test_it_lists_only_the_callers_active_devices(owner_client, outsider_client):
    register(owner_client, platform="ios", token=IOS_TOKEN)
    register(owner_client, platform="web", subscription=subscription())
    dead = register(owner_client, platform="android", token=FCM_TOKEN).json()["id"]
    device_services.device_deactivate(device_id=dead, reason="gone")
    register(outsider_client, platform="ios", token="b2" * 32)

    response = owner_client.get("/api/devices")

    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["limit"], body["offset"]) == (2, 20, 0)
    assert sorted(listed_tokens(owner_client)) == sorted([IOS_TOKEN, ENDPOINT])


def test_it_never_shows_the_subscription_keys(owner_client):
    register(owner_client, platform="web", subscription=subscription())

    [device] = owner_client.get(DEVICES).json()["results"]

    assert "keys" not in str(device) and "web_push_keys" not in device


# --- Unregistering --------------------------------------------------------------------------------
def test_it_unregisters_the_callers_device(owner_client):
    register(owner_client, platform="ios", token=IOS_TOKEN)

    response = owner_client.delete(DEVICES, {"token": IOS_TOKEN}, format="json")

    assert response.status_code == 204
    assert not Device.objects.exists()


def test_it_unregisters_by_query_parameter_too(owner_client):
    register(owner_client, platform="web", subscription=subscription())

    response = owner_client.delete(f"/api/devices?token={ENDPOINT}")

    assert response.status_code == 204
    assert not Device.objects.exists()


def test_it_unregisters_an_apns_token_in_any_spelling(owner_client):
    register(owner_client, platform="ios", token=IOS_TOKEN)

    assert owner_client.delete(DEVICES, {"token": IOS_TOKEN.upper()}, format="json").status_code == 204


def test_it_hides_another_users_device(owner_client, outsider_client):
    register(owner_client, platform="ios", token=IOS_TOKEN)

    response = outsider_client.delete(DEVICES, {"token": IOS_TOKEN}, format="json")

    assert_problem(response, 404, "DEVICE_NOT_FOUND")
    assert Device.objects.filter(token=IOS_TOKEN).exists()


def test_it_answers_404_for_an_unknown_token(owner_client):
    assert_problem(owner_client.delete(DEVICES, {"token": "b3" * 32}, format="json"), 404, "DEVICE_NOT_FOUND")


@pytest.mark.parametrize("body", [{}, {"token": ""}, {"token": ["x"]}, {"token": "x" * 5000}])
def test_it_rejects_an_unregistration_without_a_usable_token(owner_client, body):
    response = owner_client.delete(DEVICES, body, format="json")

    assert_problem(response, 400, "VALIDATION_ERROR")


# --- Who may call ---------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_it_requires_a_signed_in_user(anon_client, method):
    response = getattr(anon_client, method)(DEVICES, {"platform": "ios", "token": IOS_TOKEN}, format="json")

    assert_problem(response, 401, "NOT_AUTHENTICATED")
    assert not Device.objects.exists()


def test_a_deactivated_account_loses_its_session(owner, owner_client):
    owner.is_active = False
    owner.save()

    assert_client_error(register(client_for(owner), platform="ios", token=IOS_TOKEN))
