"""A booking is one short transaction: the conditional UPDATE (returning the train where the database can),
the INSERT, and nothing else: no savepoint, no second read of the train for the response."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from trackbase.rail import rules
from trackbase.rail.models import Booking
from trackbase.rail.tests.helpers import seats_left

BOOKINGS = "/api/bookings/"


def _booking_statements(owner_client, train) -> list[str]:
    owner_client.get("/api/me/notifications/unread-count")  # authentication's first read, not the booking's
    with CaptureQueriesContext(connection) as queries:
        response = owner_client.post(BOOKINGS, {"train_id": train.pk, "seats": 2}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["train"]["available_seats"] == 8
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    # One transaction (SQLite's BEGIN IMMEDIATE and COMMIT are statements; elsewhere they are driver calls).
    assert "SAVEPOINT" not in statements
    return [statement for statement in statements if statement not in ("BEGIN", "COMMIT")]


@pytest.mark.django_db(transaction=True)
def test_it_books_with_one_update_and_one_insert(owner_client, train):
    statements = _booking_statements(owner_client, train)
    if connection.vendor in ("postgresql", "sqlite"):
        assert statements == ["UPDATE", "INSERT"]
    else:  # MariaDB/MySQL: no UPDATE ... RETURNING; the row just locked is read back in the same transaction
        assert statements == ["UPDATE", "SELECT", "INSERT"]
    assert seats_left(train) == 8


@pytest.mark.django_db(transaction=True)
def test_it_draws_another_pnr_on_a_collision_and_takes_the_seats_once(owner, owner_client, train):
    taken = Booking.objects.create(pnr="1111111111", user=owner, train=train, seats=1)
    train.refresh_from_db()
    with mock.patch.object(rules, "new_pnr", side_effect=[taken.pnr, "2222222222"]):
        response = owner_client.post(BOOKINGS, {"train_id": train.pk, "seats": 2}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["pnr"] == "2222222222"
    assert seats_left(train) == train.available_seats - 2


@pytest.mark.django_db(transaction=True)
def test_it_gives_up_after_repeated_collisions_without_taking_seats(owner, owner_client, train):
    taken = Booking.objects.create(pnr="1111111111", user=owner, train=train, seats=1)
    train.refresh_from_db()
    with mock.patch.object(rules, "new_pnr", return_value=taken.pnr):
        response = owner_client.post(BOOKINGS, {"train_id": train.pk, "seats": 2}, format="json")
    assert response.status_code == 500
    assert seats_left(train) == train.available_seats
