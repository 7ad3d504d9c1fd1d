import pytest

from trackbase.notifications.services import notifications_send
from trackbase.wellness.tests.conftest import data_of, error_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(owner):
    return [
        notifications_send(user_ids=[owner.pk], type="weekly_reminder", title=f"t{n}", message="m")[0] for n in range(3)
    ]


def test_it_lists_the_shared_inbox_with_the_unread_count(owner_client, inbox):
    body = owner_client.get("/api/v1/notifications?limit=2").json()
    assert [n["title"] for n in body["data"]] == ["t2", "t1"]
    assert body["data"][0]["isRead"] is False and body["data"][0]["type"] == "weekly_reminder"
    assert body["meta"]["pagination"]["total"] == 3 and body["meta"]["unreadCount"] == 3
    # The same rows /me/notifications shows.
    assert owner_client.get("/me/notifications").json()["total"] == 3


def test_outsiders_see_none_of_it(outsider_client, inbox):
    assert data_of(outsider_client.get("/api/v1/notifications")) == []
    error_of(outsider_client.put(f"/api/v1/notifications/{inbox[0].pk}/read"), 404, "NOTIFICATION_NOT_FOUND")
    error_of(outsider_client.delete(f"/api/v1/notifications/{inbox[0].pk}"), 404, "NOTIFICATION_NOT_FOUND")
    assert data_of(outsider_client.post("/api/v1/notifications/read-all")) == {"markedRead": 0}


def test_it_marks_read_one_and_all(owner_client, inbox):
    assert data_of(owner_client.put(f"/api/v1/notifications/{inbox[0].pk}/read"))["isRead"] is True
    assert data_of(owner_client.post("/api/v1/notifications/read-all")) == {"markedRead": 2}
    assert data_of(owner_client.get("/api/v1/notifications?unread=true")) == []


def test_it_deletes_one(owner_client, inbox):
    assert owner_client.delete(f"/api/v1/notifications/{inbox[0].pk}").status_code == 204
    assert len(data_of(owner_client.get("/api/v1/notifications"))) == 2


def test_anonymous_callers_are_refused(anon_client):
    error_of(anon_client.get("/api/v1/notifications"), 401)
