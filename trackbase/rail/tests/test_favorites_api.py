"""Seed 000: `/me/favorites...` and the mock engine `POST /me/notifications/mock`."""

import random
from datetime import timedelta

import pytest

from trackbase.core.testing import assert_problem, me_paths, persona
from trackbase.notifications.models import Notification
from trackbase.rail import services
from trackbase.rail.me_apis import MockNotificationsApi
from trackbase.rail.models import Favorite, TrainEvent
from trackbase.rail.tests.factories import FavoriteFactory, TrainFactory

pytestmark = pytest.mark.django_db

MOCK_KINDS = {"TRAIN_DELAY", "TRAIN_PLATFORM_CHANGE", "TRAIN_ON_TIME"}
# What each kind of mock event leaves a scheduled train as.
STATUS_AFTER = {"DELAY": "DELAYED", "PLATFORM_CHANGE": "SCHEDULED", "ON_TIME": "ON_TIME"}


def followed(user) -> list[str]:
    return list(Favorite.objects.filter(user=user).values_list("train__train_number", flat=True))


# --- Add -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", me_paths("favorites/12951"))
def test_it_adds_a_favorite_train(owner, owner_client, train, path):
    response = owner_client.post(path)

    assert response.status_code == 201
    assert response.json()["train"]["train_number"] == "12951"
    assert set(response.json()) == {"train", "created_at"}
    assert followed(owner) == ["12951"]


def test_it_adds_a_favorite_only_once(owner, owner_client, train):
    owner_client.post("/me/favorites/12951")

    response = owner_client.post("/api/me/favorites/12951/")

    assert response.status_code == 200
    assert response.json()["train"]["id"] == train.pk
    assert followed(owner) == ["12951"]


def test_it_refuses_to_favorite_an_unknown_train(owner, owner_client):
    assert_problem(owner_client.post("/me/favorites/99999"), 404, "TRAIN_NOT_FOUND")
    assert followed(owner) == []


# --- List ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", me_paths("favorites"))
def test_it_lists_the_callers_favorites_newest_first(owner, outsider, owner_client, time_machine, path):
    first = FavoriteFactory(user=owner)
    time_machine.shift(timedelta(minutes=1))
    second = FavoriteFactory(user=owner)
    FavoriteFactory(user=outsider)

    response = owner_client.get(path)

    assert response.status_code == 200
    assert [f["train"]["id"] for f in response.json()] == [second.train_id, first.train_id]


def test_it_shows_an_outsider_none_of_the_owners_favorites(owner, outsider_client):
    FavoriteFactory(user=owner)

    assert outsider_client.get("/me/favorites").json() == []


# --- Remove ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", me_paths("favorites/12951"))
def test_it_removes_a_favorite(owner, owner_client, train, path):
    FavoriteFactory(user=owner, train=train)

    assert owner_client.delete(path).status_code == 204
    assert followed(owner) == []


def test_it_removes_a_favorite_that_is_not_one_quietly(owner_client, train):
    assert owner_client.delete("/me/favorites/12951").status_code == 204


def test_it_leaves_the_owners_favorite_when_an_outsider_removes_theirs(owner, outsider_client, train):
    FavoriteFactory(user=owner, train=train)

    assert outsider_client.delete("/me/favorites/12951").status_code == 204
    assert followed(owner) == ["12951"]


def test_it_refuses_to_remove_an_unknown_train(owner_client):
    assert_problem(owner_client.delete("/me/favorites/99999"), 404, "TRAIN_NOT_FOUND")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/me/favorites"),
        ("post", "/me/favorites/12951"),
        ("delete", "/api/me/favorites/12951/"),
        ("post", "/me/notifications/mock"),
    ],
)
def test_it_keeps_favorites_to_signed_in_users(anon_client, train, method, path):
    assert_problem(getattr(anon_client, method)(path), 401, "NOT_AUTHENTICATED")
    assert not Favorite.objects.exists()
    assert not TrainEvent.objects.exists()


# --- The mock engine -------------------------------------------------------------------------------
@pytest.fixture
def favorites(owner, train, departed_train):
    """The owner follows 12951 and one more upcoming train, a departed one and a cancelled one."""
    upcoming = [train, TrainFactory(train_number="12301")]
    for followed_train in [*upcoming, departed_train, TrainFactory(train_number="12002", status="CANCELLED")]:
        FavoriteFactory(user=owner, train=followed_train)
    return upcoming


@pytest.mark.parametrize("path", me_paths("notifications/mock"))
def test_it_notifies_the_caller_about_each_upcoming_favorite(
    owner, owner_client, favorites, django_capture_on_commit_callbacks, path
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(path)

    assert response.status_code == 202
    assert isinstance(response.json()["task_id"], str) and response.json()["task_id"]
    notifications = Notification.objects.filter(user=owner)
    assert sorted(n.data["train_number"] for n in notifications) == ["12301", "12951"]
    assert {n.type for n in notifications} <= MOCK_KINDS
    assert sorted(TrainEvent.objects.values_list("train__train_number", flat=True)) == ["12301", "12951"]


def test_it_runs_the_mock_engine_for_the_caller_only(
    outsider, owner_client, favorites, django_capture_on_commit_callbacks
):
    FavoriteFactory(user=outsider, train=TrainFactory(train_number="12430"))

    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post("/me/notifications/mock")

    assert not TrainEvent.objects.filter(train__train_number="12430").exists()
    assert not Notification.objects.filter(user=outsider).exists()


def test_it_does_nothing_for_a_caller_without_favorites(outsider_client, favorites, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert outsider_client.post("/me/notifications/mock").status_code == 202

    assert not TrainEvent.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize("seed", range(5))
def test_it_makes_plausible_events(owner, favorites, django_capture_on_commit_callbacks, seed):
    with django_capture_on_commit_callbacks(execute=True):
        event_ids = services.mock_events_generate(user_id=owner.pk, rng=random.Random(seed))

    events = TrainEvent.objects.filter(pk__in=event_ids).select_related("train")
    assert len(events) == 2
    for event in events:
        assert event.created_by is None
        assert event.train.status == STATUS_AFTER[event.type]
        assert event.type != "DELAY" or 0 < event.delay_minutes <= 90
        assert event.type != "PLATFORM_CHANGE" or 1 <= int(event.platform) <= 16
    assert sorted(n.data["event_id"] for n in Notification.objects.filter(user=owner)) == sorted(event_ids)


def test_it_is_throttled_per_user(request, owner_client, monkeypatch):
    [throttle] = MockNotificationsApi.throttle_classes
    # DRF reads the rates into the class when it is defined, so the settings fixture cannot lower them.
    monkeypatch.setattr(throttle, "THROTTLE_RATES", throttle.THROTTLE_RATES | {"mock_engine": "2/min"})

    responses = [owner_client.post("/me/notifications/mock") for _ in range(3)]

    assert [r.status_code for r in responses[:2]] == [202, 202]
    assert_problem(responses[2], 429, "THROTTLED")
    assert persona(request, "outsider_client").post("/me/notifications/mock").status_code == 202
