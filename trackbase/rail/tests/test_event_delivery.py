"""A train event reaches its followers in real time from the process that wrote it: after commit, without the
task queue (only push, and a failed in-process delivery, go through it)."""

import pytest
from django_tasks import task_backends

from trackbase.notifications.models import Notification
from trackbase.rail import services
from trackbase.rail.tests.factories import FavoriteFactory
from trackbase.realtime import services as realtime

pytestmark = pytest.mark.django_db

EVENTS = "/api/trains/12951/events/"
DELAY = {"type": "DELAY", "delay_minutes": 20}


@pytest.fixture
def queue_not_running(settings):
    """A task queue nobody works: whatever is enqueued waits there."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def batches(monkeypatch) -> list[list[tuple]]:
    calls = []
    monkeypatch.setattr(realtime, "emit_to_users", lambda emits: calls.append(list(emits)))
    return calls


def test_it_emits_to_every_follower_after_commit_without_the_queue(
    admin_client, train, owner, outsider, queue_not_running, batches, django_capture_on_commit_callbacks
):
    FavoriteFactory(user=owner, train=train)
    FavoriteFactory(user=outsider, train=train)

    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(EVENTS, DELAY, format="json").status_code == 201

    [batch] = batches  # one batch for every follower: one Redis round trip in production
    assert sorted(user_id for user_id, _event, _data in batch) == sorted([owner.pk, outsider.pk])
    assert {event for _user, event, _data in batch} == {"notification"}
    assert Notification.objects.filter(user__in=[owner, outsider]).count() == 2


def test_it_queues_the_notification_when_the_direct_delivery_fails(
    train, owner, queue_not_running, monkeypatch, django_capture_on_commit_callbacks
):
    FavoriteFactory(user=owner, train=train)

    def down(**kwargs):
        raise ConnectionError("database went away")

    monkeypatch.setattr(services, "train_event_notify", down)
    with django_capture_on_commit_callbacks(execute=True):
        event = services.train_event_record(train_number="12951", **DELAY)

    [queued] = task_backends["default"].results
    assert (queued.task.name, queued.kwargs) == ("notify_train_event", {"event_id": event.pk})
