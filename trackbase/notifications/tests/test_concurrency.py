"""Real parallel workers on one outbox message and one notification: each is delivered exactly once.
PostgreSQL and MariaDB only: the SQLite test database is in-memory with a shared cache, which answers
"table is locked" at once instead of waiting like the WAL file the app runs on."""

import threading

import pytest
from django.db import connection

from trackbase.notifications import delivery
from trackbase.notifications.models import PushMessage, PushStatus
from trackbase.notifications.push import outbox
from trackbase.notifications.tests.factories import DeviceFactory, NotificationFactory, queued
from trackbase.realtime import services as realtime

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 6


@pytest.fixture(autouse=True)
def _server_database():
    if connection.vendor == "sqlite":
        pytest.skip("needs a database server: in-memory SQLite cannot serve parallel writers")


def in_parallel(work) -> list:
    """Run `work()` on WORKERS threads released together; returns their results."""
    barrier, results, errors = threading.Barrier(WORKERS), [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(work())
        except Exception as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    return results


def test_parallel_workers_send_one_message_once(owner, apns_server):
    message = queued(DeviceFactory(user=owner))

    results = in_parallel(lambda: outbox.push_message_deliver(message_id=message.pk))

    assert sorted(results, key=str) == sorted([PushStatus.SENT] + [None] * (WORKERS - 1), key=str)
    assert len(apns_server.requests) == 1
    assert PushMessage.objects.get().attempts == 1


def test_parallel_deliveries_of_one_notification_emit_and_queue_once(owner, monkeypatch):
    emitted = []
    monkeypatch.setattr(realtime, "emit_to_users", lambda emits: emitted.extend(data["id"] for _u, _e, data in emits))
    DeviceFactory(user=owner, platform="android")
    notification = NotificationFactory(user=owner)
    channels = {notification.pk: {"in_app": True, "realtime": True, "push": True}}

    in_parallel(lambda: delivery.notifications_deliver(channels_by_id=channels))

    assert emitted == [notification.pk]
    assert PushMessage.objects.count() == 1
