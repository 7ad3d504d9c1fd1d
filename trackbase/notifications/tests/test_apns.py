"""The APNs sender against a local HTTP/2 server that checks what Apple checks and answers what Apple answers."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from trackbase.notifications.models import PushStatus
from trackbase.notifications.push import apns, outbox, senders
from trackbase.notifications.tests.conftest import APNS_KEY_ID, APNS_TEAM_ID, APNS_TOPIC
from trackbase.notifications.tests.factories import DeviceFactory, queued
from trackbase.notifications.tests.push_servers import Answer, p256_key, private_pem

pytestmark = pytest.mark.django_db

TOKEN = "5f" * 32


@pytest.fixture
def phone(owner):
    return DeviceFactory(user=owner, token=TOKEN)


def deliver(message):
    outbox.push_message_deliver(message_id=message.pk)
    message.refresh_from_db()
    return message


def test_it_sends_an_alert_apple_accepts(phone, apns_server, settings):
    message = queued(phone, title="12951 delayed", message="Running 20 minutes late.", dedupe_key="train-event:7")

    message = deliver(message)

    assert (message.status, message.attempts, message.last_error) == (PushStatus.SENT, 1, "")
    assert message.provider_message_id == apns_server.default.headers["apns-id"]
    [request] = apns_server.requests
    assert request.problems == []  # the server verified the ES256 token with the team's public key
    assert (request.http_version, request.method, request.path) == ("2", "POST", f"/3/device/{TOKEN}")
    assert request.claims == {"iss": APNS_TEAM_ID, "iat": int(timezone.now().timestamp())}
    expires = message.notification.created_at + timedelta(seconds=settings.PUSH_TTL_SECONDS)
    assert {name: request.headers[name] for name in request.headers if name.startswith("apns-")} == {
        "apns-topic": APNS_TOPIC,
        "apns-push-type": "alert",
        "apns-priority": "10",
        "apns-expiration": str(int(expires.timestamp())),
        "apns-collapse-id": "train-event:7",
    }
    assert json.loads(request.body) == {
        "aps": {"alert": {"title": "12951 delayed", "body": "Running 20 minutes late."}, "sound": "default"},
        "notification_id": message.notification_id,
        "type": "TRAIN_DELAY",
        "data": {"train_number": "12951"},
    }


def test_it_signs_with_the_key_id_it_was_given(phone, apns_server, settings):
    settings.APNS_KEY_ID = "OTHERKEY99"

    message = deliver(queued(phone))

    assert (message.status, message.last_error) == (PushStatus.FAILED, "APNs 403 InvalidProviderToken")


def test_a_token_signed_with_another_key_is_refused(phone, apns_server, settings):
    settings.APNS_KEY = private_pem(p256_key())

    message = deliver(queued(phone))

    assert (message.status, message.last_error) == (PushStatus.FAILED, "APNs 403 InvalidProviderToken")


def test_it_reuses_its_provider_token_for_fifty_minutes(phone, apns_server, time_machine):
    deliver(queued(phone))
    time_machine.shift(timedelta(minutes=49))
    deliver(queued(phone))
    time_machine.shift(timedelta(minutes=2))
    deliver(queued(phone))

    tokens = [request.headers["authorization"] for request in apns_server.requests]
    assert tokens[0] == tokens[1] != tokens[2]
    assert apns_server.requests[2].claims["iat"] == int(timezone.now().timestamp())


def test_it_signs_a_fresh_token_when_apple_calls_the_old_one_expired(phone, apns_server):
    deliver(queued(phone))
    apns_server.expire_tokens_seen()

    message = deliver(queued(phone))

    assert (message.status, message.attempts) == (PushStatus.SENT, 1)
    first, refused, resent = apns_server.requests
    assert refused.problems == ["ExpiredProviderToken"]
    assert first.headers["authorization"] == refused.headers["authorization"] != resent.headers["authorization"]
    assert resent.problems == []


def test_a_token_apple_keeps_calling_expired_is_retried_later(phone, apns_server):
    apns_server.answer(Answer(403, "ExpiredProviderToken"), Answer(403, "ExpiredProviderToken"))

    message = deliver(queued(phone))

    assert (message.status, message.last_error) == (PushStatus.PENDING, "APNs 403 ExpiredProviderToken")
    assert len(apns_server.requests) == 2


@pytest.mark.parametrize(
    ("status", "reason"), [(410, "Unregistered"), (400, "BadDeviceToken"), (400, "DeviceTokenNotForTopic")]
)
def test_a_dead_token_is_dropped(phone, apns_server, status, reason):
    apns_server.answer(Answer(status, reason))

    message = deliver(queued(phone))

    assert (message.status, message.last_error) == (PushStatus.DROPPED, f"APNs {status} {reason}")
    phone.refresh_from_db()
    assert not phone.is_active


@pytest.mark.parametrize(
    ("status", "reason"),
    [(429, "TooManyRequests"), (500, "InternalServerError"), (503, "ServiceUnavailable"), (502, "")],
)
def test_a_transient_failure_is_retried(phone, apns_server, status, reason):
    apns_server.answer(Answer(status, reason))

    message = deliver(queued(phone))

    assert (message.status, message.last_error) == (PushStatus.PENDING, f"APNs {status} {reason}".strip())
    assert message.next_attempt_at == timezone.now() + timedelta(seconds=30)


@pytest.mark.parametrize(
    ("status", "reason"),
    [(400, "BadCollapseId"), (400, "MissingTopic"), (403, "InvalidProviderToken"), (413, "PayloadTooLarge"), (405, "")],
)
def test_any_other_refusal_fails_the_message(phone, apns_server, status, reason):
    apns_server.answer(Answer(status, reason))

    message = deliver(queued(phone))

    assert (message.status, message.last_error) == (PushStatus.FAILED, f"APNs {status} {reason}".strip())
    phone.refresh_from_db()
    assert phone.is_active


def test_an_unreachable_apns_is_retried(phone, settings):
    import socket

    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]
    settings.APNS_KEY, settings.APNS_KEY_ID, settings.APNS_TEAM_ID = private_pem(p256_key()), "K", "T"
    settings.APNS_TOPIC, settings.APNS_BASE_URL = APNS_TOPIC, f"http://127.0.0.1:{port}"

    message = deliver(queued(phone))

    assert message.status == PushStatus.PENDING
    assert message.last_error.startswith("APNs unreachable: ConnectError")


def test_it_reads_the_p8_key_from_a_file(phone, apns_server, settings, tmp_path):
    key_file = tmp_path / f"AuthKey_{APNS_KEY_ID}.p8"
    key_file.write_text(settings.APNS_KEY)
    settings.APNS_KEY, settings.APNS_KEY_PATH = "", str(key_file)

    assert deliver(queued(phone)).status == PushStatus.SENT


def test_it_reads_a_key_whose_newlines_were_escaped_in_the_environment(phone, apns_server, settings):
    settings.APNS_KEY = settings.APNS_KEY.replace("\n", "\\n")

    assert deliver(queued(phone)).status == PushStatus.SENT


@pytest.mark.parametrize("key", ["not a key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"])
def test_an_unusable_key_fails_without_a_request(phone, apns_server, settings, key):
    settings.APNS_KEY = key

    message = deliver(queued(phone))

    assert message.status == PushStatus.FAILED
    assert message.last_error.startswith("APNs signing key unusable: ")
    assert apns_server.requests == []


def test_a_missing_key_file_fails_without_a_request(phone, apns_server, settings, tmp_path):
    settings.APNS_KEY, settings.APNS_KEY_PATH = "", str(tmp_path / "missing.p8")

    message = deliver(queued(phone))

    assert message.status == PushStatus.FAILED
    assert apns_server.requests == []


def test_it_shortens_a_body_too_long_for_apple_and_keeps_the_data(phone, apns_server):
    message = deliver(queued(phone, message="Verspätet ✓ " * 1000, data={"train_number": "12951"}))

    assert message.status == PushStatus.SENT
    [request] = apns_server.requests
    payload = json.loads(request.body)
    assert apns.MAX_PAYLOAD_BYTES - 8 < len(request.body) <= apns.MAX_PAYLOAD_BYTES
    assert payload["aps"]["alert"]["body"].startswith("Verspätet ✓ Verspätet")
    assert payload["aps"]["alert"]["body"].endswith("…")
    assert payload["data"] == {"train_number": "12951"}


def test_it_leaves_out_data_too_big_to_push(phone, apns_server):
    message = deliver(queued(phone, message="Running late.", data={"notes": "x" * 3000}))

    assert message.status == PushStatus.SENT
    payload = json.loads(apns_server.requests[0].body)
    assert payload["aps"]["alert"]["body"] == "Running late."
    assert payload["data"] == {}  # the app fetches the full notification by its id


def test_a_long_event_key_becomes_a_64_byte_collapse_id(phone, apns_server):
    deliver(queued(phone, dedupe_key="train-event:" + "9" * 150))

    collapse_id = apns_server.requests[0].headers["apns-collapse-id"]
    assert len(collapse_id) == 64 and collapse_id == apns.collapse_id("train-event:" + "9" * 150)


def test_it_names_every_missing_setting_when_not_configured(settings):
    settings.APNS_KEY = settings.APNS_KEY_PATH = settings.APNS_TOPIC = ""

    not_configured = apns.sender_from_settings()

    assert not_configured.reason == (
        "APNs is not configured: set APNS_KEY_ID, APNS_TEAM_ID, APNS_TOPIC, APNS_KEY or APNS_KEY_PATH."
    )


def test_worker_processes_share_one_provider_token(phone, apns_server):
    """RQ runs each job in a fresh process: a new process (no cached sender) reuses the token in the cache."""
    deliver(queued(phone))
    senders.senders_reset()  # what a new worker process starts with

    deliver(queued(phone))

    first, second = (request.headers["authorization"] for request in apns_server.requests)
    assert first == second
