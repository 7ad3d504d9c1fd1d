"""POST /api/trains/{train_number}/events/: what each status change does to the train, and who may send one."""

from datetime import datetime

import pytest

from trackbase.core.testing import NOW, assert_problem, field_errors, persona
from trackbase.rail import rules
from trackbase.rail.models import Train, TrainEvent
from trackbase.rail.tests.helpers import NOT_ADMINS

pytestmark = pytest.mark.django_db

EVENTS = "/api/trains/12951/events/"


def post_event(client, path: str = EVENTS, **body):
    return client.post(path, body, format="json")


def test_it_records_a_delay(admin_client, admin_user, train):
    response = post_event(admin_client, type="DELAY", delay_minutes=25, message="Fog near Kota")

    assert response.status_code == 201
    body = response.json()
    event = TrainEvent.objects.get()
    assert body == {
        "id": event.pk,
        "train_number": "12951",
        "type": "DELAY",
        "delay_minutes": 25,
        "platform": "",
        "message": "Fog near Kota",
        "created_at": body["created_at"],
    }
    assert datetime.fromisoformat(body["created_at"]) == NOW
    assert event.created_by == admin_user
    train.refresh_from_db()
    assert (train.status, train.delay_minutes) == ("DELAYED", 25)


@pytest.mark.parametrize(
    ("events", "status", "delay", "platform"),
    [
        ([{"type": "PLATFORM_CHANGE", "platform": "7A"}], "SCHEDULED", 0, "7A"),
        ([{"type": "DELAY", "delay_minutes": 40}, {"type": "ON_TIME"}], "ON_TIME", 0, ""),
        ([{"type": "DELAY", "delay_minutes": 40}, {"type": "PLATFORM_CHANGE", "platform": "2"}], "DELAYED", 40, "2"),
        ([{"type": "CANCELLED"}], "CANCELLED", 0, ""),
    ],
)
def test_it_applies_each_kind_of_event_to_the_train(admin_client, train, events, status, delay, platform):
    for event in events:
        assert post_event(admin_client, **event).status_code == 201

    train.refresh_from_db()
    assert (train.status, train.delay_minutes, train.platform) == (status, delay, platform)
    assert TrainEvent.objects.filter(train=train).count() == len(events)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "DELAY"}, "delay_minutes"),
        ({"type": "DELAY", "delay_minutes": 0}, "delay_minutes"),
        ({"type": "DELAY", "delay_minutes": -10}, "delay_minutes"),
        ({"type": "DELAY", "delay_minutes": rules.MAX_DELAY_MINUTES + 1}, "delay_minutes"),
        ({"type": "DELAY", "delay_minutes": "late"}, "delay_minutes"),
        ({"type": "DELAY", "delay_minutes": 10**30}, "delay_minutes"),
        ({"type": "PLATFORM_CHANGE"}, "platform"),
        ({"type": "PLATFORM_CHANGE", "platform": ""}, "platform"),
        ({"type": "PLATFORM_CHANGE", "platform": "P" * 11}, "platform"),
        ({"type": "DERAILED"}, "type"),
        ({"type": "delay", "delay_minutes": 5}, "type"),
        ({}, "type"),
        ({"type": "ON_TIME", "message": "M" * 501}, "message"),
    ],
)
def test_it_rejects_an_incomplete_event(admin_client, train, body, field):
    response = admin_client.post(EVENTS, body, format="json")

    field_errors(response, field)
    assert not TrainEvent.objects.exists()
    assert Train.objects.get(pk=train.pk).status == "SCHEDULED"


def test_it_refuses_events_for_a_cancelled_train(admin_client, train):
    post_event(admin_client, type="CANCELLED")

    assert_problem(post_event(admin_client, type="ON_TIME"), 409, "TRAIN_CANCELLED")
    assert TrainEvent.objects.count() == 1
    assert Train.objects.get(pk=train.pk).status == "CANCELLED"


def test_it_answers_404_for_an_unknown_train(admin_client):
    assert_problem(post_event(admin_client, "/api/trains/99999/events/", type="ON_TIME"), 404, "TRAIN_NOT_FOUND")


@pytest.mark.parametrize(("client_name", "status", "code"), NOT_ADMINS)
def test_it_lets_only_admins_record_events(request, train, client_name, status, code):
    response = post_event(persona(request, client_name), type="CANCELLED")

    assert_problem(response, status, code)
    assert not TrainEvent.objects.exists()
    assert Train.objects.get(pk=train.pk).status == "SCHEDULED"
