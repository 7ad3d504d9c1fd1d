"""notifications_send after commit: realtime emit and push outbox, each channel as the user's preferences say,
and one event never delivered twice on any channel."""

import io

import pytest

from trackbase.accounts.devices.models import Device, token_digest
from trackbase.core.testing import NOW
from trackbase.notifications import delivery
from trackbase.notifications.models import Notification, PushMessage, PushStatus
from trackbase.notifications.push.apns import REQUIRED
from trackbase.notifications.push.senders import FCM_NOT_CONFIGURED
from trackbase.notifications.services import notifications_send
from trackbase.realtime import services as realtime

pytestmark = pytest.mark.django_db

DELAY = {"type": "TRAIN_DELAY", "title": "12951 delayed", "message": "Running 20 minutes late."}


@pytest.fixture
def emitted(monkeypatch) -> list[tuple]:
    """Every realtime emit, as (user_id, event, data)."""
    calls = []
    monkeypatch.setattr(realtime, "emit_to_users", lambda emits: calls.extend(emits))
    return calls


def device(user, platform="ios", token=None, **fields) -> Device:
    token = token or f"{user.pk:02x}{Device.objects.count():02x}" * 16
    return Device.objects.create(user=user, platform=platform, token=token, token_digest=token_digest(token), **fields)


def send(capture, user_ids, **fields):
    with capture(execute=True):
        return notifications_send(user_ids=user_ids, **(DELAY | fields))


def prefer(user, document):
    user.notification_preferences = document
    user.save()


# --- Realtime --------------------------------------------------------------------------------------
def test_it_emits_each_new_notification_to_its_user_after_commit(
    owner, outsider, emitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        sent = notifications_send(user_ids=[owner.pk, outsider.pk], data={"delay": 20}, **DELAY)
        assert emitted == []  # nothing leaves before the transaction commits

    for callback in callbacks:
        callback()

    by_user = {n.user_id: n for n in sent}
    assert sorted(emitted, key=lambda call: call[0]) == [
        (
            user.pk,
            "notification",
            {
                "id": by_user[user.pk].pk,
                "type": "TRAIN_DELAY",
                "title": "12951 delayed",
                "message": "Running 20 minutes late.",
                "data": {"delay": 20},
                "created_at": NOW.isoformat().replace("+00:00", "Z"),
            },
        )
        for user in sorted([owner, outsider], key=lambda u: u.pk)
    ]


def test_it_does_not_emit_when_the_user_turned_realtime_off_for_the_type(
    owner, outsider, emitted, django_capture_on_commit_callbacks
):
    prefer(owner, {"types": {"TRAIN_DELAY": {"realtime": False}}})

    send(django_capture_on_commit_callbacks, [owner.pk, outsider.pk])

    assert [call[0] for call in emitted] == [outsider.pk]
    assert Notification.objects.filter(user=owner, in_inbox=True).exists()


def test_a_failing_emit_does_not_stop_the_other_deliveries(
    owner, outsider, monkeypatch, django_capture_on_commit_callbacks
):
    reached = []

    def flaky(emits):
        reached.extend(user_id for user_id, _event, _data in emits)
        raise ConnectionError("redis is down")

    monkeypatch.setattr(realtime, "emit_to_users", flaky)
    device(owner, platform="android")

    send(django_capture_on_commit_callbacks, [owner.pk, outsider.pk])

    assert sorted(reached) == sorted([owner.pk, outsider.pk])
    assert PushMessage.objects.filter(device__user=owner).count() == 1


# --- In-app (the inbox) ------------------------------------------------------------------------------
def test_in_app_off_keeps_it_out_of_the_inbox_but_delivers_it_elsewhere(
    owner, owner_client, emitted, django_capture_on_commit_callbacks
):
    prefer(owner, {"default": {"in_app": False}})
    device(owner, platform="android")

    [sent] = send(django_capture_on_commit_callbacks, [owner.pk], dedupe_key="train-event:7")

    assert not sent.in_inbox
    assert owner_client.get("/me/notifications").json()["total"] == 0
    assert owner_client.get("/me/notifications/unread-count").json() == {"unread_count": 0}
    assert owner_client.post("/me/notifications/read-all").json() == {"marked_read": 0}
    assert owner_client.post(f"/me/notifications/{sent.pk}/read").status_code == 404
    assert [call[0] for call in emitted] == [owner.pk]
    assert PushMessage.objects.filter(notification=sent).count() == 1


def test_a_hidden_notification_still_dedupes_the_event(owner, emitted, django_capture_on_commit_callbacks):
    prefer(owner, {"types": {"TRAIN_DELAY": {"in_app": False}}})
    send(django_capture_on_commit_callbacks, [owner.pk], dedupe_key="train-event:7")
    prefer(owner, {})

    again = send(django_capture_on_commit_callbacks, [owner.pk], dedupe_key="train-event:7")

    assert again == []
    assert Notification.objects.filter(user=owner).count() == 1
    assert len(emitted) == 1


# --- Push ------------------------------------------------------------------------------------------
def test_it_queues_one_push_per_active_device_of_the_user(owner, outsider, emitted, django_capture_on_commit_callbacks):
    phone, tablet = device(owner), device(owner, platform="android")
    device(owner, is_active=False, deactivated_reason="APNs 410 Unregistered")
    device(outsider)

    [sent] = send(django_capture_on_commit_callbacks, [owner.pk])

    messages = PushMessage.objects.filter(notification=sent)
    assert sorted(messages.values_list("device_id", flat=True)) == sorted([phone.pk, tablet.pk])
    assert not PushMessage.objects.filter(device__user=outsider).exists()


def test_unconfigured_platforms_are_skipped_with_the_reason(owner, emitted, django_capture_on_commit_callbacks):
    phone, tablet = device(owner), device(owner, platform="android")

    send(django_capture_on_commit_callbacks, [owner.pk])

    ios, android = PushMessage.objects.get(device=phone), PushMessage.objects.get(device=tablet)
    assert (ios.status, android.status) == (PushStatus.SKIPPED, PushStatus.SKIPPED)
    assert all(name in ios.last_error for name in REQUIRED)
    assert android.last_error == FCM_NOT_CONFIGURED
    assert (ios.attempts, ios.sent_at) == (1, None)


@pytest.mark.parametrize(
    "document",
    [
        {"default": {"push": False}},
        {"types": {"TRAIN_DELAY": {"push": False}}},
        {"default": {"push": True}, "types": {"TRAIN_DELAY": {"push": False}}},
    ],
)
def test_it_queues_no_push_when_the_user_turned_push_off(owner, emitted, document, django_capture_on_commit_callbacks):
    device(owner)
    prefer(owner, document)

    send(django_capture_on_commit_callbacks, [owner.pk])

    assert not PushMessage.objects.exists()
    assert len(emitted) == 1


def test_a_type_override_turns_push_on_against_the_default(owner, emitted, django_capture_on_commit_callbacks):
    device(owner)
    prefer(owner, {"default": {"push": False}, "types": {"TRAIN_DELAY": {"push": True}}})

    send(django_capture_on_commit_callbacks, [owner.pk])
    send(django_capture_on_commit_callbacks, [owner.pk], type="TRAIN_CANCELLED")

    assert list(PushMessage.objects.values_list("notification__type", flat=True)) == ["TRAIN_DELAY"]


def test_a_deactivated_account_gets_no_push(owner, emitted, django_capture_on_commit_callbacks):
    device(owner)
    owner.is_active = False
    owner.save()

    send(django_capture_on_commit_callbacks, [owner.pk])

    assert not PushMessage.objects.exists()


# --- Once per event, on every channel ----------------------------------------------------------------
def test_one_event_is_delivered_once_on_every_channel(owner, outsider, emitted, django_capture_on_commit_callbacks):
    device(owner)

    send(django_capture_on_commit_callbacks, [owner.pk], dedupe_key="train-event:7")
    send(django_capture_on_commit_callbacks, [owner.pk, outsider.pk], dedupe_key="train-event:7")

    assert sorted(call[0] for call in emitted) == sorted([owner.pk, outsider.pk])
    assert PushMessage.objects.count() == 1
    assert Notification.objects.filter(user=owner).count() == 1


def test_two_deliveries_of_the_same_notifications_deliver_once(owner, emitted, django_capture_on_commit_callbacks):
    """Two senders racing on one event both read the row back; only the one that claims it delivers."""
    device(owner)
    with django_capture_on_commit_callbacks() as callbacks:
        [sent] = notifications_send(user_ids=[owner.pk], dedupe_key="train-event:7", **DELAY)
    channels = {sent.pk: {"in_app": True, "realtime": True, "push": True}}

    delivery.notifications_deliver(channels_by_id=channels)
    delivery.notifications_deliver(channels_by_id=channels)
    for callback in callbacks:
        callback()

    assert len(emitted) == 1
    assert PushMessage.objects.count() == 1
    assert Notification.objects.get().dispatched_at is not None


def test_nothing_is_delivered_when_the_transaction_rolls_back(owner, emitted, django_capture_on_commit_callbacks):
    device(owner)

    with django_capture_on_commit_callbacks() as callbacks:
        notifications_send(user_ids=[owner.pk], **DELAY)

    assert len(callbacks) == 1  # run only if the transaction commits; a rollback drops it with the rows
    assert emitted == []
    assert not PushMessage.objects.exists()


# --- End to end: the providers receive it ---------------------------------------------------------------
def test_a_notification_reaches_the_users_phone_and_browser(
    owner, emitted, apns_server, web_push_server, django_capture_on_commit_callbacks
):
    from trackbase.notifications.tests.factories import web_device

    phone = device(owner)
    browser = web_push_server.browser()
    web_device(owner, browser)

    [sent] = send(django_capture_on_commit_callbacks, [owner.pk], dedupe_key="train-event:7")

    assert list(PushMessage.objects.values_list("status", flat=True)) == [PushStatus.SENT, PushStatus.SENT]
    assert [request.path for request in apns_server.requests] == [f"/3/device/{phone.token}"]
    assert b'"title":"12951 delayed"' in web_push_server.requests[0].plaintext
    assert [call[2]["id"] for call in emitted] == [sent.pk]


def test_the_sweep_command_enqueues_what_is_due(owner, apns_server):
    from django.core.management import call_command

    from trackbase.notifications.tests.factories import queued

    message = queued(device(owner))
    out = io.StringIO()

    call_command("push_outbox_sweep", stdout=out)

    assert out.getvalue().strip() == "enqueued 1 push message(s)"
    message.refresh_from_db()
    assert message.status == PushStatus.SENT
