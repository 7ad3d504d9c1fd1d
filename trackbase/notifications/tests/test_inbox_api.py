from datetime import timedelta

import pytest

from trackbase.core.testing import assert_problem, field_errors, me_paths
from trackbase.notifications.models import Notification
from trackbase.notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

HUGE_ID = 10**20


@pytest.fixture
def inbox(owner, time_machine):
    """Three notifications for the owner, a minute apart, oldest first; the middle one already read."""
    notifications = []
    for minute in range(3):
        time_machine.shift(timedelta(minutes=1))
        notifications.append(NotificationFactory(user=owner, is_read=minute == 1))
    return notifications


@pytest.fixture
def theirs(outsider):
    return NotificationFactory(user=outsider)


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


# --- Listing ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", me_paths("notifications"))
def test_it_lists_the_callers_notifications_newest_first(owner_client, inbox, theirs, path):
    response = owner_client.get(path)

    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["limit"], body["offset"]) == (3, 20, 0)
    assert ids(response) == [n.pk for n in reversed(inbox)]
    first = body["results"][0]
    assert set(first) == {"id", "type", "title", "message", "data", "is_read", "read_at", "created_at"}
    assert (first["type"], first["data"], first["is_read"]) == ("TRAIN_DELAY", {"train_number": "12951"}, False)


def test_it_pages_the_inbox(owner_client, inbox):
    response = owner_client.get("/me/notifications?limit=1&offset=1")

    assert response.json()["total"] == 3
    assert ids(response) == [inbox[1].pk]


@pytest.mark.parametrize("flag", ["true", "True", "1"])
def test_it_lists_only_unread_notifications_on_request(owner_client, inbox, flag):
    response = owner_client.get(f"/me/notifications?unread={flag}")

    assert ids(response) == [inbox[2].pk, inbox[0].pk]
    assert response.json()["total"] == 2


def test_it_lists_read_ones_too_when_unread_is_false(owner_client, inbox):
    assert len(ids(owner_client.get("/me/notifications?unread=false"))) == 3


@pytest.mark.parametrize("query", ["unread=maybe", "limit=0", "limit=abc", "offset=-1", "limit=101"])
def test_it_rejects_bad_list_parameters(owner_client, inbox, query):
    response = owner_client.get(f"/me/notifications?{query}")

    field_errors(response, query.split("=")[0])


def test_it_shows_an_outsider_an_empty_inbox(outsider_client, inbox):
    assert outsider_client.get("/me/notifications").json() == {"total": 0, "limit": 20, "offset": 0, "results": []}


# --- Unread count ----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", me_paths("notifications/unread-count"))
def test_it_counts_the_callers_unread_notifications(owner_client, inbox, theirs, path):
    response = owner_client.get(path)

    assert response.status_code == 200
    assert response.json() == {"unread_count": 2}


# --- Mark read -------------------------------------------------------------------------------------
def test_it_marks_one_notification_read(owner_client, inbox, time_machine):
    time_machine.shift(timedelta(minutes=5))

    response = owner_client.post(f"/me/notifications/{inbox[0].pk}/read")

    assert response.status_code == 200
    assert response.json()["is_read"] is True
    inbox[0].refresh_from_db()
    assert inbox[0].is_read
    assert inbox[0].read_at is not None and inbox[0].read_at > inbox[0].created_at
    assert owner_client.get("/me/notifications/unread-count").json() == {"unread_count": 1}


def test_it_keeps_the_first_read_time_when_read_again(owner_client, inbox, time_machine):
    owner_client.post(f"/me/notifications/{inbox[0].pk}/read")
    inbox[0].refresh_from_db()
    time_machine.shift(timedelta(minutes=5))

    response = owner_client.post(f"/api/me/notifications/{inbox[0].pk}/read/")

    assert response.status_code == 200
    assert Notification.objects.get(pk=inbox[0].pk).read_at == inbox[0].read_at


@pytest.mark.parametrize("path", me_paths("notifications/read-all"))
def test_it_marks_all_the_callers_notifications_read(owner_client, inbox, theirs, path):
    response = owner_client.post(path)

    assert response.status_code == 200
    assert response.json() == {"marked_read": 2}
    assert not Notification.objects.filter(user=inbox[0].user, is_read=False).exists()
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_it_marks_nothing_when_all_are_read(owner_client, inbox):
    owner_client.post("/me/notifications/read-all")

    assert owner_client.post("/me/notifications/read-all").json() == {"marked_read": 0}


# --- Delete ----------------------------------------------------------------------------------------
def test_it_deletes_one_of_the_callers_notifications(owner_client, inbox):
    response = owner_client.delete(f"/me/notifications/{inbox[1].pk}")

    assert response.status_code == 204
    assert list(Notification.objects.values_list("pk", flat=True).order_by("pk")) == [inbox[0].pk, inbox[2].pk]


# --- Someone else's notification is indistinguishable from a missing one ---------------------------
@pytest.mark.parametrize(("method", "suffix"), [("post", "/read"), ("delete", "")])
def test_it_hides_another_users_notification(owner_client, theirs, method, suffix):
    response = getattr(owner_client, method)(f"/me/notifications/{theirs.pk}{suffix}")

    assert_problem(response, 404, "NOTIFICATION_NOT_FOUND")
    theirs.refresh_from_db()
    assert not theirs.is_read


# An id beyond 64 bits never reaches the view: the route's converter refuses it.
@pytest.mark.parametrize(("notification_id", "code"), [(999_999, "NOTIFICATION_NOT_FOUND"), (HUGE_ID, "NOT_FOUND")])
@pytest.mark.parametrize(("method", "suffix"), [("post", "/read"), ("delete", "")])
def test_it_answers_404_for_a_missing_notification(owner_client, notification_id, code, method, suffix):
    response = getattr(owner_client, method)(f"/me/notifications/{notification_id}{suffix}")

    assert_problem(response, 404, code)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/me/notifications"),
        ("get", "/api/me/notifications/unread-count/"),
        ("post", "/me/notifications/read-all"),
        ("post", "/me/notifications/1/read"),
        ("delete", "/me/notifications/1"),
    ],
)
def test_it_requires_a_signed_in_user(anon_client, inbox, method, path):
    response = getattr(anon_client, method)(path)

    assert_problem(response, 401, "NOT_AUTHENTICATED")
    assert Notification.objects.filter(is_read=False).count() == 2
