"""The push outbox: claim once, retry transient failures with backoff, drop dead tokens, skip what cannot go."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from trackbase.accounts.devices import services as device_services
from trackbase.notifications.models import PushMessage, PushStatus
from trackbase.notifications.push import outbox, senders
from trackbase.notifications.tests.factories import DeviceFactory, queued
from trackbase.notifications.tests.push_servers import Answer

pytestmark = pytest.mark.django_db

SERVER_ERROR = Answer(500, "InternalServerError")


@pytest.fixture
def phone(owner):
    return DeviceFactory(user=owner)


def deliver(message) -> PushMessage:
    outbox.push_message_deliver(message_id=message.pk)
    message.refresh_from_db()
    return message


# --- Claiming ----------------------------------------------------------------------------------------
def test_a_message_another_worker_claimed_is_not_sent_again(phone, apns_server):
    message = queued(phone)
    PushMessage.objects.filter(pk=message.pk).update(status=PushStatus.SENDING, claimed_at=timezone.now())

    assert outbox.push_message_deliver(message_id=message.pk) is None
    assert apns_server.requests == []


def test_a_message_is_sent_once_however_often_its_task_runs(phone, apns_server):
    message = queued(phone)

    statuses = [outbox.push_message_deliver(message_id=message.pk) for _ in range(3)]

    assert statuses == [PushStatus.SENT, None, None]
    assert len(apns_server.requests) == 1


def test_a_message_is_not_sent_before_it_is_due(phone, apns_server):
    message = queued(phone)
    PushMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() + timedelta(seconds=1))

    assert outbox.push_message_deliver(message_id=message.pk) is None
    assert apns_server.requests == []


def test_a_missing_message_is_nothing_to_do():
    assert outbox.push_message_deliver(message_id=10**12) is None


# --- Retrying ----------------------------------------------------------------------------------------
def test_it_retries_a_transient_failure_with_growing_delays_then_gives_up(phone, apns_server, time_machine, settings):
    settings.PUSH_MAX_ATTEMPTS = 5
    apns_server.answer(*[SERVER_ERROR] * 5)
    message = deliver(queued(phone))
    waits = []

    while message.status == PushStatus.PENDING:
        wait = message.next_attempt_at - timezone.now()
        waits.append(wait)
        time_machine.shift(wait - timedelta(seconds=1))
        assert outbox.push_outbox_sweep() == 0  # not due yet: nothing is sent early
        time_machine.shift(timedelta(seconds=1))
        assert outbox.push_outbox_sweep() == 1
        message.refresh_from_db()

    assert waits == [timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(hours=1)]
    assert (message.status, message.attempts) == (PushStatus.FAILED, 5)
    assert message.last_error == "Gave up after 5 attempts: APNs 500 InternalServerError"
    assert len(apns_server.requests) == 5
    phone.refresh_from_db()
    assert phone.is_active


def test_it_sends_on_a_later_attempt(phone, apns_server, time_machine):
    apns_server.answer(Answer(429, "TooManyRequests"))
    message = deliver(queued(phone))
    assert (message.status, message.last_error) == (PushStatus.PENDING, "APNs 429 TooManyRequests")

    time_machine.shift(timedelta(seconds=30))
    outbox.push_outbox_sweep()

    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (PushStatus.SENT, 2, "")
    assert message.sent_at == timezone.now()


def test_a_retry_is_deferred_on_a_backend_that_supports_it(phone, apns_server, settings):
    """The embedded default (django-tasks-db) holds the retry until next_attempt_at, without a sweep."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    apns_server.answer(SERVER_ERROR)

    message = deliver(queued(phone))

    [task] = DBTaskResult.objects.all()
    assert task.task_path == "trackbase.notifications.tasks.push_messages_send"
    assert task.args_kwargs == {"args": [], "kwargs": {"message_ids": [message.pk]}}
    assert task.run_after == message.next_attempt_at == timezone.now() + timedelta(seconds=30)


def test_a_provider_asking_for_a_longer_pause_is_obeyed():
    assert outbox.retry_delay(attempts=1, retry_after=300) == timedelta(seconds=300)
    assert outbox.retry_delay(attempts=3, retry_after=5) == timedelta(minutes=10)
    assert outbox.retry_delay(attempts=1, retry_after=10**9) == outbox.MAX_RETRY_DELAY


def test_a_sender_crash_is_retried_like_an_outage(phone, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(senders, "send", crash)

    message = deliver(queued(phone))

    assert (message.status, message.last_error) == (PushStatus.PENDING, "sender error: RuntimeError: boom")


def test_the_sweep_takes_back_a_message_whose_worker_died(phone, apns_server, time_machine):
    message = queued(phone)
    PushMessage.objects.filter(pk=message.pk).update(status=PushStatus.SENDING, attempts=1, claimed_at=timezone.now())

    time_machine.shift(outbox.SENDING_LEASE - timedelta(seconds=1))
    outbox.push_outbox_sweep()
    assert apns_server.requests == []
    time_machine.shift(timedelta(seconds=2))
    outbox.push_outbox_sweep()

    message.refresh_from_db()
    assert (message.status, message.attempts) == (PushStatus.SENT, 2)


def test_the_sweep_leaves_finished_messages_alone(phone, apns_server):
    for status in [PushStatus.SENT, PushStatus.FAILED, PushStatus.SKIPPED, PushStatus.DROPPED]:
        PushMessage.objects.filter(pk=queued(phone).pk).update(status=status)

    assert outbox.push_outbox_sweep() == 0
    assert apns_server.requests == []


# --- Dead tokens, skips, expiry ------------------------------------------------------------------------
def test_a_dead_token_drops_the_message_and_deactivates_the_device(phone, owner, apns_server):
    apns_server.answer(Answer(410, "Unregistered"))
    first, second = queued(phone), queued(phone)

    first = deliver(first)
    second = deliver(second)

    assert (first.status, first.last_error) == (PushStatus.DROPPED, "APNs 410 Unregistered")
    phone.refresh_from_db()
    assert (phone.is_active, phone.deactivated_reason) == (False, "APNs 410 Unregistered")
    assert (second.status, second.last_error) == (
        PushStatus.SKIPPED,
        "The device was deactivated: APNs 410 Unregistered",
    )
    assert len(apns_server.requests) == 1
    assert list(device_services.device_list(user=owner)) == []


def test_a_device_that_changed_hands_does_not_get_the_previous_users_push(phone, outsider, apns_server):
    message = queued(phone)
    device_services.device_register(user=outsider, platform="ios", token=phone.token)

    message = deliver(message)

    assert (message.status, message.last_error) == (PushStatus.SKIPPED, outbox.DEVICE_CHANGED_HANDS)
    assert apns_server.requests == []


def test_it_skips_without_a_request_when_the_platform_is_not_configured(phone, apns_server, settings):
    settings.APNS_TEAM_ID = ""

    message = deliver(queued(phone))

    assert message.status == PushStatus.SKIPPED
    assert message.last_error == "APNs is not configured: set APNS_TEAM_ID."
    assert apns_server.requests == []


def test_a_notification_too_old_to_matter_is_not_pushed(phone, apns_server, time_machine, settings):
    message = queued(phone)
    time_machine.shift(timedelta(seconds=settings.PUSH_TTL_SECONDS))

    message = deliver(message)

    assert (message.status, message.last_error) == (PushStatus.FAILED, outbox.EXPIRED)
    assert apns_server.requests == []


def test_a_fan_out_is_sent_in_batches_of_messages(owner, settings, monkeypatch):
    from trackbase.notifications.push.outbox import push_messages_queue
    from trackbase.notifications.tests.factories import NotificationFactory

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(outbox, "TASK_BATCH", 2)
    for _ in range(5):
        DeviceFactory(user=owner)

    message_ids = push_messages_queue(notifications=[NotificationFactory(user=owner)])

    batches = [task.args_kwargs["kwargs"]["message_ids"] for task in DBTaskResult.objects.order_by("enqueued_at")]
    assert sorted(batches) == sorted([message_ids[0:2], message_ids[2:4], message_ids[4:]])
