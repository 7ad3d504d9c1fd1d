"""POST /api/bookings/, GET /api/bookings/my/, GET /api/bookings/{id}/, POST /api/bookings/{id}/cancel/."""

import re
from datetime import datetime, timedelta

import pytest

from trackbase.core.testing import NOW, assert_problem, field_errors
from trackbase.rail.models import Booking, BookingStatus, Train
from trackbase.rail.tests.factories import BookingFactory, TrainFactory
from trackbase.rail.tests.helpers import book, seats_left

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/bookings/"
HUGE_ID = 10**20


def post_booking(client, train_id, seats, **headers):
    return client.post(BOOKINGS, {"train_id": train_id, "seats": seats}, format="json", headers=headers)


# --- Book ------------------------------------------------------------------------------------------
def test_it_books_seats(owner, owner_client, train):
    response = post_booking(owner_client, train.pk, 3)

    assert response.status_code == 201
    body = response.json()
    booking = Booking.objects.get()
    assert set(body) == {"id", "pnr", "train", "seats_booked", "status", "created_at", "cancelled_at"}
    assert (body["id"], body["pnr"], body["seats_booked"]) == (booking.pk, booking.pnr, 3)
    assert (body["status"], body["cancelled_at"]) == ("CONFIRMED", None)
    assert re.fullmatch(r"[0-9]{10}", body["pnr"])
    assert datetime.fromisoformat(body["created_at"]) == NOW
    assert (body["train"]["train_number"], body["train"]["available_seats"]) == ("12951", 7)
    assert booking.user == owner
    assert seats_left(train) == 7


def test_it_sells_the_last_seats_and_no_more(owner_client, train):
    assert post_booking(owner_client, train.pk, 6).status_code == 201
    assert post_booking(owner_client, train.pk, 4).status_code == 201

    body = assert_problem(post_booking(owner_client, train.pk, 1), 409, "NOT_ENOUGH_SEATS")
    assert body["errors"] == {"seats": ["Only 0 seats are available."]}
    assert seats_left(train) == 0


def test_it_refuses_more_seats_than_are_left(owner_client, train):
    Train.objects.filter(pk=train.pk).update(available_seats=3)

    assert_problem(post_booking(owner_client, train.pk, 4), 409, "NOT_ENOUGH_SEATS")
    assert seats_left(train) == 3
    assert not Booking.objects.exists()


def test_it_refuses_a_departed_train(owner_client, departed_train):
    assert_problem(post_booking(owner_client, departed_train.pk, 1), 409, "TRAIN_DEPARTED")
    assert seats_left(departed_train) == 100


def test_it_refuses_a_train_leaving_this_very_moment(owner_client):
    leaving = TrainFactory(departure_time=NOW)

    assert_problem(post_booking(owner_client, leaving.pk, 1), 409, "TRAIN_DEPARTED")


def test_it_refuses_a_cancelled_train(owner_client, train, admin_client):
    admin_client.post("/api/trains/12951/events/", {"type": "CANCELLED"}, format="json")

    assert_problem(post_booking(owner_client, train.pk, 1), 409, "TRAIN_CANCELLED")
    assert seats_left(train) == 10


@pytest.mark.parametrize("train_id", [999_999, 2**63 - 1])
def test_it_answers_404_for_an_unknown_train(owner_client, train_id):
    assert_problem(post_booking(owner_client, train_id, 1), 404, "TRAIN_NOT_FOUND")


@pytest.mark.parametrize("seats", [0, 7, -1, 2**31])
def test_it_holds_a_booking_to_one_to_six_seats(owner_client, train, seats):
    body = assert_problem(post_booking(owner_client, train.pk, seats), 400, "SEAT_LIMIT_EXCEEDED")
    assert "seats" in body["errors"]
    assert seats_left(train) == 10


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "train_id"),
        ({"seats": 1}, "train_id"),
        ({"train_id": 1}, "seats"),
        ({"train_id": "first", "seats": 1}, "train_id"),
        ({"train_id": 0, "seats": 1}, "train_id"),
        ({"train_id": 2**63, "seats": 1}, "train_id"),
        ({"train_id": 1, "seats": "two"}, "seats"),
        ({"train_id": 1, "seats": 1.5}, "seats"),
        ({"train_id": 1, "seats": 2**40}, "seats"),
        ({"train_id": 1, "seats": None}, "seats"),
    ],
)
def test_it_rejects_a_malformed_booking(owner_client, train, body, field):
    field_errors(owner_client.post(BOOKINGS, body, format="json"), field)
    assert not Booking.objects.exists()


def test_it_books_only_for_signed_in_users(anon_client, train):
    assert_problem(post_booking(anon_client, train.pk, 1), 401, "NOT_AUTHENTICATED")
    assert seats_left(train) == 10


# --- Idempotency-Key -------------------------------------------------------------------------------
def test_it_replays_a_retried_booking_instead_of_booking_twice(owner_client, train):
    first = post_booking(owner_client, train.pk, 2, **{"Idempotency-Key": "book-1"})
    retry = post_booking(owner_client, train.pk, 2, **{"Idempotency-Key": "book-1"})

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert retry.json() == first.json()
    assert Booking.objects.count() == 1
    assert seats_left(train) == 8


def test_it_refuses_a_key_reused_for_another_booking(owner_client, train):
    post_booking(owner_client, train.pk, 2, **{"Idempotency-Key": "book-1"})

    assert_problem(
        post_booking(owner_client, train.pk, 3, **{"Idempotency-Key": "book-1"}), 422, "IDEMPOTENCY_KEY_REUSED"
    )
    assert seats_left(train) == 8


def test_it_keeps_each_users_keys_apart(owner_client, outsider_client, train):
    mine = post_booking(owner_client, train.pk, 2, **{"Idempotency-Key": "book-1"})
    theirs = post_booking(outsider_client, train.pk, 2, **{"Idempotency-Key": "book-1"})

    assert theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert theirs.json()["id"] != mine.json()["id"]
    assert seats_left(train) == 6


def test_it_books_anew_under_a_fresh_key(owner_client, train):
    post_booking(owner_client, train.pk, 2, **{"Idempotency-Key": "book-1"})

    assert post_booking(owner_client, train.pk, 2, **{"Idempotency-Key": "book-2"}).status_code == 201
    assert seats_left(train) == 6


# --- My bookings -----------------------------------------------------------------------------------
@pytest.fixture
def my_bookings(owner, outsider, train, time_machine):
    """Three of the owner's bookings a minute apart (oldest first, the middle one cancelled), one of the outsider's."""
    bookings = []
    for seats in (1, 2, 3):
        bookings.append(book(owner, train, seats))
        time_machine.shift(timedelta(minutes=1))
    Booking.objects.filter(pk=bookings[1].pk).update(status=BookingStatus.CANCELLED)
    book(outsider, train, 1)
    return bookings


def booking_ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


def test_it_lists_the_callers_bookings_newest_first(owner_client, my_bookings):
    response = owner_client.get("/api/bookings/my/")

    assert response.status_code == 200
    assert (response.json()["total"], response.json()["limit"], response.json()["offset"]) == (3, 20, 0)
    assert booking_ids(response) == [b.pk for b in reversed(my_bookings)]
    assert [b["status"] for b in response.json()["results"]] == ["CONFIRMED", "CANCELLED", "CONFIRMED"]


def test_it_pages_the_callers_bookings(owner_client, my_bookings):
    response = owner_client.get("/api/bookings/my/?limit=1&offset=2")

    assert (response.json()["total"], booking_ids(response)) == (3, [my_bookings[0].pk])


def test_it_shows_a_user_without_bookings_an_empty_list(worker_client, my_bookings):
    assert worker_client.get("/api/bookings/my/").json()["results"] == []


@pytest.mark.parametrize("query", ["limit=0", "limit=x", "offset=-1"])
def test_it_rejects_bad_paging(owner_client, my_bookings, query):
    field_errors(owner_client.get(f"/api/bookings/my/?{query}"), query.split("=")[0])


# --- One booking -----------------------------------------------------------------------------------
def test_it_shows_the_caller_one_of_their_bookings(owner_client, my_bookings):
    response = owner_client.get(f"/api/bookings/{my_bookings[2].pk}/")

    assert response.status_code == 200
    assert (response.json()["pnr"], response.json()["seats_booked"]) == (my_bookings[2].pnr, 3)


# An id beyond 64 bits never reaches the view: the route's converter refuses it.
@pytest.mark.parametrize(("booking_id", "code"), [(999_999, "BOOKING_NOT_FOUND"), (HUGE_ID, "NOT_FOUND")])
def test_it_answers_404_for_a_missing_booking(owner_client, booking_id, code):
    assert_problem(owner_client.get(f"/api/bookings/{booking_id}/"), 404, code)
    assert_problem(owner_client.post(f"/api/bookings/{booking_id}/cancel/"), 404, code)


def test_it_hides_another_users_booking(outsider_client, my_bookings):
    assert_problem(outsider_client.get(f"/api/bookings/{my_bookings[0].pk}/"), 404, "BOOKING_NOT_FOUND")


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/bookings/my/"), ("get", "/api/bookings/{id}/"), ("post", "/api/bookings/{id}/cancel/")],
)
def test_it_shows_bookings_only_to_signed_in_users(anon_client, my_bookings, method, path):
    response = getattr(anon_client, method)(path.format(id=my_bookings[0].pk))

    assert_problem(response, 401, "NOT_AUTHENTICATED")
    assert Booking.objects.get(pk=my_bookings[0].pk).status == BookingStatus.CONFIRMED


# --- Cancel ----------------------------------------------------------------------------------------
def test_it_cancels_a_booking_and_returns_its_seats(owner, owner_client, train, time_machine):
    booking = book(owner, train, 4)
    time_machine.shift(timedelta(minutes=5))

    response = owner_client.post(f"/api/bookings/{booking.pk}/cancel/")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["status"], body["seats_booked"]) == (booking.pk, "CANCELLED", 4)
    assert datetime.fromisoformat(body["cancelled_at"]) == NOW + timedelta(minutes=5)
    assert body["train"]["available_seats"] == 10
    assert seats_left(train) == 10


def test_it_cancels_a_booking_only_once(owner, owner_client, train):
    booking = book(owner, train, 4)
    owner_client.post(f"/api/bookings/{booking.pk}/cancel/")

    assert_problem(owner_client.post(f"/api/bookings/{booking.pk}/cancel/"), 409, "BOOKING_ALREADY_CANCELLED")
    assert seats_left(train) == 10


def test_it_refuses_to_cancel_another_users_booking(owner, outsider_client, train):
    booking = book(owner, train, 4)

    assert_problem(outsider_client.post(f"/api/bookings/{booking.pk}/cancel/"), 404, "BOOKING_NOT_FOUND")
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
    assert seats_left(train) == 6


def test_it_refuses_to_cancel_after_departure(owner, owner_client, departed_train):
    booking = BookingFactory(user=owner, train=departed_train)

    assert_problem(owner_client.post(f"/api/bookings/{booking.pk}/cancel/"), 409, "TRAIN_DEPARTED")
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED


def test_it_lets_the_seats_of_a_cancelled_booking_be_booked_again(owner, owner_client, outsider_client, train):
    booking = book(owner, train, 6)
    book(owner, train, 4)
    owner_client.post(f"/api/bookings/{booking.pk}/cancel/")

    assert post_booking(outsider_client, train.pk, 6).status_code == 201
    assert seats_left(train) == 0
