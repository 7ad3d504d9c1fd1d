"""The Web Push sender against a local push service that checks VAPID, decrypts the aes128gcm body and
answers what push services answer."""

import json
import socket
from datetime import timedelta

import pytest
from django.utils import timezone

from trackbase.notifications.models import PushStatus
from trackbase.notifications.push import outbox, webpush
from trackbase.notifications.tests.conftest import VAPID_SUBJECT
from trackbase.notifications.tests.factories import queued, web_device
from trackbase.notifications.tests.push_servers import Answer, b64url, p256_key, private_pem, public_point

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(web_push_server):
    return web_push_server.browser()


@pytest.fixture
def laptop(owner, browser):
    return web_device(owner, browser)


def deliver(message):
    outbox.push_message_deliver(message_id=message.pk)
    message.refresh_from_db()
    return message


def test_it_sends_an_encrypted_message_only_the_browser_can_read(laptop, web_push_server, settings):
    message = deliver(queued(laptop, title="12951 delayed", message="20 minutes late.", dedupe_key="train-event:7"))

    assert (message.status, message.last_error) == (PushStatus.SENT, "")
    assert message.provider_message_id == "/message/1"
    [request] = web_push_server.requests
    assert request.problems == []  # VAPID verified, body decrypted with the browser's private key
    assert json.loads(request.plaintext) == {
        "id": message.notification_id,
        "type": "TRAIN_DELAY",
        "title": "12951 delayed",
        "message": "20 minutes late.",
        "data": {"train_number": "12951"},
    }
    assert b"12951" not in request.body
    assert request.headers["content-encoding"] == "aes128gcm"
    assert request.headers["ttl"] == str(settings.PUSH_TTL_SECONDS)
    assert request.headers["urgency"] == "high"
    assert len(request.headers["topic"]) == 32
    assert request.claims["aud"] == web_push_server.url
    assert request.claims["sub"] == VAPID_SUBJECT
    assert 0 < request.claims["exp"] - timezone.now().timestamp() <= 24 * 3600


def test_the_ttl_counts_down_with_the_notifications_age(laptop, web_push_server, time_machine, settings):
    message = queued(laptop)
    time_machine.shift(timedelta(hours=1))

    deliver(message)

    assert web_push_server.requests[0].headers["ttl"] == str(settings.PUSH_TTL_SECONDS - 3600)


def test_one_event_keeps_one_topic(laptop, web_push_server):
    deliver(queued(laptop, dedupe_key="train-event:7"))
    deliver(queued(laptop, dedupe_key="train-event:8"))
    deliver(queued(laptop.__class__.objects.get(pk=laptop.pk), dedupe_key="train-event:9"))

    topics = [request.headers["topic"] for request in web_push_server.requests]
    assert len(set(topics)) == 3


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_dropped(laptop, web_push_server, status):
    web_push_server.answer(Answer(status, "subscription expired"))

    message = deliver(queued(laptop))

    assert (message.status, message.last_error) == (PushStatus.DROPPED, f"push service {status}: subscription expired")
    laptop.refresh_from_db()
    assert not laptop.is_active


def test_a_throttled_message_waits_as_long_as_the_service_asks(laptop, web_push_server):
    web_push_server.answer(Answer(429, "slow down", headers={"retry-after": "300"}))

    message = deliver(queued(laptop))

    assert message.status == PushStatus.PENDING
    assert message.next_attempt_at == timezone.now() + timedelta(seconds=300)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_service_failure_is_retried(laptop, web_push_server, status):
    web_push_server.answer(Answer(status, "oops"))

    message = deliver(queued(laptop))

    assert (message.status, message.attempts) == (PushStatus.PENDING, 1)
    assert message.next_attempt_at == timezone.now() + timedelta(seconds=30)


@pytest.mark.parametrize("status", [400, 401, 403, 413])
def test_any_other_refusal_fails_the_message(laptop, web_push_server, status):
    web_push_server.answer(Answer(status, "no"))

    message = deliver(queued(laptop))

    assert (message.status, message.last_error) == (PushStatus.FAILED, f"push service {status}: no")
    laptop.refresh_from_db()
    assert laptop.is_active


def test_the_service_refuses_a_message_signed_with_another_vapid_key(laptop, web_push_server, settings):
    settings.VAPID_PRIVATE_KEY = private_pem(p256_key())

    message = deliver(queued(laptop))

    assert message.status == PushStatus.FAILED
    assert message.last_error == "push service 403: VAPID key is not the one the subscription was made with"


def test_it_reads_the_vapid_key_from_a_pem_file(laptop, web_push_server, settings, vapid_key, tmp_path):
    pem = tmp_path / "vapid.pem"
    pem.write_text(private_pem(vapid_key))
    settings.VAPID_PRIVATE_KEY = str(pem)

    assert deliver(queued(laptop)).status == PushStatus.SENT


def test_it_reads_the_vapid_key_as_pem_contents(laptop, web_push_server, settings, vapid_key):
    settings.VAPID_PRIVATE_KEY = private_pem(vapid_key).replace("\n", "\\n")

    assert deliver(queued(laptop)).status == PushStatus.SENT


def test_an_unusable_vapid_key_fails_without_a_request(laptop, web_push_server, settings):
    settings.VAPID_PRIVATE_KEY = "not-a-key"

    message = deliver(queued(laptop))

    assert message.status == PushStatus.FAILED
    assert message.last_error.startswith("VAPID key unusable: ")
    assert web_push_server.requests == []


def test_it_never_posts_to_a_host_no_longer_allowed(laptop, web_push_server, settings):
    settings.WEB_PUSH_ALLOWED_HOSTS = ["fcm.googleapis.com"]

    message = deliver(queued(laptop))

    assert message.status == PushStatus.FAILED
    assert web_push_server.requests == []


def test_an_unreachable_push_service_is_retried(owner, web_push_server, browser):
    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]
    browser.endpoint = f"http://127.0.0.1:{port}/push/b1"

    message = deliver(queued(web_device(owner, browser)))

    assert message.status == PushStatus.PENDING
    assert message.last_error.startswith("push service unreachable: ConnectError")


def test_it_skips_without_a_request_when_vapid_is_not_configured(laptop, web_push_server, settings):
    settings.VAPID_SUBJECT = ""

    message = deliver(queued(laptop))

    assert (message.status, message.last_error) == (
        PushStatus.SKIPPED,
        "Web Push is not configured: set VAPID_SUBJECT.",
    )
    assert web_push_server.requests == []


# --- The application server key browsers subscribe with ----------------------------------------------
@pytest.mark.parametrize("path", ["/api/notifications/web-push-key/", "/api/notifications/web-push-key"])
def test_it_publishes_the_vapid_public_key(anon_client, web_push_server, vapid_key, path):
    response = anon_client.get(path)

    assert response.status_code == 200
    assert response.json() == {"public_key": b64url(public_point(vapid_key))}
    assert webpush.vapid_public_key() == b64url(public_point(vapid_key))


def test_it_publishes_no_key_when_web_push_is_not_configured(anon_client):
    assert anon_client.get("/api/notifications/web-push-key/").json() == {"public_key": None}


def test_a_stale_bearer_token_does_not_hide_the_key(web_push_server):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert client.get("/api/notifications/web-push-key/").status_code == 200
