"""The notification engine: a train event notifies each follower of the train exactly once, after commit."""

import pytest

from trackbase.accounts.tests.factories import UserFactory
from trackbase.notifications.models import Notification
from trackbase.rail import services
from trackbase.rail.models import TrainEvent
from trackbase.rail.tasks import notify_train_event
from trackbase.rail.tests.factories import FavoriteFactory, TrainFactory

pytestmark = pytest.mark.django_db

EVENTS = "/api/trains/12951/events/"


@pytest.fixture
def followers(train, owner, outsider):
    """The owner and the outsider follow 12951; the worker follows another train only."""
    FavoriteFactory(user=owner, train=train)
    FavoriteFactory(user=outsider, train=train)
    return [owner, outsider]


def inbox(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user))


def record(capture, **event) -> TrainEvent:
    """Record an event on 12951 and run what its commit sets off (the notify task)."""
    with capture(execute=True):
        return services.train_event_record(train_number="12951", **event)


def test_it_notifies_every_follower_once_through_the_api(
    admin_client, followers, worker, django_capture_on_commit_callbacks
):
    FavoriteFactory(user=worker, train=TrainFactory())

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(EVENTS, {"type": "DELAY", "delay_minutes": 25}, format="json")

    event_id = response.json()["id"]
    for user in followers:
        [notification] = inbox(user)
        assert (notification.type, notification.title) == ("TRAIN_DELAY", "12951 delayed by 25 min")
        assert notification.message == "12951 Mumbai Rajdhani is running 25 minutes late."
        assert notification.data == {
            "train_number": "12951",
            "event_id": event_id,
            "event_type": "DELAY",
            "delay_minutes": 25,
            "platform": "",
        }
        assert not notification.is_read
    assert inbox(worker) == []


def test_it_shows_the_notification_in_the_followers_inbox(
    admin_client, owner_client, followers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(EVENTS, {"type": "PLATFORM_CHANGE", "platform": "4"}, format="json")

    [item] = owner_client.get("/me/notifications").json()["results"]
    assert (item["type"], item["title"]) == ("TRAIN_PLATFORM_CHANGE", "12951 now at platform 4")
    assert item["message"] == "12951 Mumbai Rajdhani now departs from platform 4."
    assert owner_client.get("/me/notifications/unread-count").json() == {"unread_count": 1}


@pytest.mark.parametrize(
    ("event", "kind", "title"),
    [
        ({"type": "DELAY", "delay_minutes": 5}, "TRAIN_DELAY", "12951 delayed by 5 min"),
        ({"type": "PLATFORM_CHANGE", "platform": "4"}, "TRAIN_PLATFORM_CHANGE", "12951 now at platform 4"),
        ({"type": "CANCELLED"}, "TRAIN_CANCELLED", "12951 cancelled"),
        ({"type": "ON_TIME"}, "TRAIN_ON_TIME", "12951 on time"),
    ],
)
def test_it_names_the_notification_after_the_event(followers, django_capture_on_commit_callbacks, event, kind, title):
    record(django_capture_on_commit_callbacks, **event)

    [notification] = inbox(followers[0])
    assert (notification.type, notification.title, notification.data["event_type"]) == (kind, title, event["type"])


def test_it_sends_the_admins_own_words_after_the_facts(followers, django_capture_on_commit_callbacks):
    record(django_capture_on_commit_callbacks, type="DELAY", delay_minutes=40, message="Flooding near Kota.")

    [notification] = inbox(followers[0])
    assert notification.title == "12951 delayed by 40 min"
    assert notification.message == "12951 Mumbai Rajdhani is running 40 minutes late. Flooding near Kota."


def test_it_notifies_only_after_the_event_commits(followers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.train_event_record(train_number="12951", type="ON_TIME")

    assert len(callbacks) == 1
    assert not Notification.objects.exists()


def test_it_adds_nothing_when_the_notify_task_runs_again(followers, django_capture_on_commit_callbacks):
    event = record(django_capture_on_commit_callbacks, type="DELAY", delay_minutes=15)

    again = notify_train_event.enqueue(event_id=event.pk)

    assert again.return_value == 0
    assert services.train_event_notify(event_id=event.pk) == 0
    assert [len(inbox(user)) for user in followers] == [1, 1]


def test_it_notifies_a_new_follower_of_a_retried_event_only(followers, django_capture_on_commit_callbacks):
    event = record(django_capture_on_commit_callbacks, type="DELAY", delay_minutes=15)
    latecomer = UserFactory()
    FavoriteFactory(user=latecomer, train=event.train)

    assert services.train_event_notify(event_id=event.pk) == 1
    assert len(inbox(latecomer)) == 1
    assert Notification.objects.count() == 3


def test_it_notifies_each_follower_once_per_event(followers, django_capture_on_commit_callbacks):
    record(django_capture_on_commit_callbacks, type="DELAY", delay_minutes=15)
    record(django_capture_on_commit_callbacks, type="DELAY", delay_minutes=30)

    assert [len(inbox(user)) for user in followers] == [2, 2]


def test_it_forgets_users_who_stopped_following(owner, followers, train, django_capture_on_commit_callbacks):
    services.favorite_remove(user=owner, train_number="12951")

    record(django_capture_on_commit_callbacks, type="CANCELLED")

    assert inbox(owner) == []
    assert len(inbox(followers[1])) == 1


def test_it_sends_nothing_when_nobody_follows(train, django_capture_on_commit_callbacks):
    record(django_capture_on_commit_callbacks, type="CANCELLED")

    assert not Notification.objects.exists()
