"""POST/GET /api/trains/ and GET/PUT/PATCH/DELETE /api/trains/{train_number}/."""

from datetime import datetime, timedelta

import pytest

from trackbase.core.errors import PROBLEM_CONTENT_TYPE
from trackbase.core.testing import assert_problem, field_errors, persona
from trackbase.rail.models import Train
from trackbase.rail.selectors import TRAIN_OUTPUT_FIELDS
from trackbase.rail.tests.factories import BookingFactory, TrainFactory
from trackbase.rail.tests.helpers import ARRIVAL, DEPARTURE, NOT_ADMINS, book, iso, train_payload

pytestmark = pytest.mark.django_db


def snapshot(train: Train) -> dict:
    """The train as stored, but for its update time."""
    fields = [name for name in TRAIN_OUTPUT_FIELDS if name != "updated_at"]
    return Train.objects.values(*fields).get(pk=train.pk)


@pytest.fixture
def held_train(train, owner, outsider):
    """12951 with 10 seats: 4 held by confirmed bookings, 2 more booked and cancelled again."""
    book(owner, train, seats=3)
    book(outsider, train, seats=1)
    BookingFactory(train=train, seats=2, status="CANCELLED")
    return train


# --- Create or update (POST /api/trains/) ----------------------------------------------------------
def test_it_creates_a_train_for_an_admin(admin_client):
    response = admin_client.post("/api/trains/", train_payload(), format="json")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == set(TRAIN_OUTPUT_FIELDS)
    assert (body["train_number"], body["total_seats"], body["available_seats"]) == ("12951", 100, 100)
    assert (body["status"], body["delay_minutes"], body["platform"]) == ("SCHEDULED", 0, "")
    assert datetime.fromisoformat(body["departure_time"]) == DEPARTURE
    train = Train.objects.get(train_number="12951")
    assert (train.source_key, train.destination_key) == ("NDLS", "BCT")


def test_it_creates_a_train_with_fewer_seats_on_sale(admin_client):
    response = admin_client.post("/api/trains/", train_payload(available_seats=40), format="json")

    assert response.status_code == 201
    assert response.json()["available_seats"] == 40


def test_it_updates_the_train_when_its_number_exists(admin_client, train):
    response = admin_client.post(
        "/api/trains/", train_payload(name="Rajdhani Express", source="Delhi", total_seats=20), format="json"
    )

    assert response.status_code == 200
    assert response.json()["id"] == train.pk
    train.refresh_from_db()
    assert (train.name, train.source, train.source_key) == ("Rajdhani Express", "Delhi", "DELHI")
    assert (train.total_seats, train.available_seats) == (20, 20)
    assert Train.objects.count() == 1


def test_it_keeps_booked_seats_when_an_update_changes_capacity(admin_client, held_train):
    response = admin_client.post("/api/trains/", train_payload(total_seats=50), format="json")

    assert response.status_code == 200
    assert (response.json()["total_seats"], response.json()["available_seats"]) == (50, 46)


def test_it_refuses_a_capacity_below_the_booked_seats(admin_client, held_train):
    before = snapshot(held_train)

    response = admin_client.post("/api/trains/", train_payload(total_seats=3), format="json")

    body = assert_problem(response, 409, "SEATS_ALREADY_BOOKED")
    assert "total_seats" in body["errors"]
    assert snapshot(held_train) == before


def test_it_accepts_a_capacity_equal_to_the_booked_seats(admin_client, held_train):
    response = admin_client.post("/api/trains/", train_payload(total_seats=4), format="json")

    assert (response.status_code, response.json()["available_seats"]) == (200, 0)


INVALID_TRAINS = [
    ({"arrival_time": iso(DEPARTURE - timedelta(hours=1))}, "arrival_time"),
    ({"arrival_time": iso(DEPARTURE)}, "arrival_time"),
    ({"destination": " ndls "}, "destination"),
    ({"available_seats": 101}, "available_seats"),
    ({"available_seats": -1}, "available_seats"),
    ({"total_seats": 0}, "total_seats"),
    ({"total_seats": -5}, "total_seats"),
    ({"total_seats": 10**12}, "total_seats"),
    ({"total_seats": "many"}, "total_seats"),
    ({"total_seats": 12.5}, "total_seats"),
    ({"departure_time": "tomorrow"}, "departure_time"),
    ({"departure_time": None}, "departure_time"),
    ({"name": ["Rajdhani"]}, "name"),
    ({"name": ""}, "name"),
    ({"source": "X" * 65}, "source"),
    ({"train_number": "12345678901"}, "train_number"),
    ({"train_number": "12 951"}, "train_number"),
    ({"train_number": "../12951"}, "train_number"),
    ({"train_number": 12951.5}, "train_number"),
]


@pytest.mark.parametrize(("overrides", "field"), INVALID_TRAINS)
def test_it_rejects_an_invalid_train(admin_client, overrides, field):
    response = admin_client.post("/api/trains/", train_payload(**overrides), format="json")

    field_errors(response, field)
    assert not Train.objects.exists()


def test_it_names_every_missing_field_of_an_empty_body(admin_client):
    response = admin_client.post("/api/trains/", {}, format="json")

    field_errors(response, "train_number", "name", "source", "destination", "departure_time", "total_seats")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{", "MALFORMED_REQUEST"),
        (b'{"total_seats": 100000000000000000000000000000}', None),
        (b"[1, 2]", "VALIDATION_ERROR"),
        (b'"12951"', "VALIDATION_ERROR"),
        (b"", "VALIDATION_ERROR"),
    ],
)
def test_it_answers_garbage_with_a_400(admin_client, body, code):
    response = admin_client.generic("POST", "/api/trains/", body, content_type="application/json")

    assert response.status_code == 400, response.content
    assert code is None or response.json()["code"] == code
    assert not Train.objects.exists()


@pytest.mark.parametrize(("client_name", "status", "code"), NOT_ADMINS)
def test_it_lets_only_admins_create_trains(request, client_name, status, code):
    response = persona(request, client_name).post("/api/trains/", train_payload(), format="json")

    assert_problem(response, status, code)
    assert not Train.objects.exists()


# --- List (GET /api/trains/) -----------------------------------------------------------------------
@pytest.fixture
def timetable(train):
    """12951 tomorrow, plus two later trains from Delhi (one to Howrah, delayed) and one from Mumbai."""
    later = {"departure_time": DEPARTURE + timedelta(hours=2), "arrival_time": ARRIVAL + timedelta(hours=2)}
    return [
        train,
        TrainFactory(train_number="12301", destination="HWH", status="DELAYED", **later),
        TrainFactory(train_number="12953", **later),
        TrainFactory(train_number="12952", source="BCT", destination="NDLS"),
    ]


def numbers(response) -> list[str]:
    return [item["train_number"] for item in response.json()["results"]]


def test_it_lists_trains_in_departure_order_to_any_user(outsider_client, timetable):
    response = outsider_client.get("/api/trains/")

    assert response.status_code == 200
    assert (response.json()["total"], response.json()["limit"], response.json()["offset"]) == (4, 20, 0)
    assert numbers(response) == ["12951", "12952", "12301", "12953"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("source=ndls", ["12951", "12301", "12953"]),
        ("source=%20Ndls%20&destination=bct", ["12951", "12953"]),
        ("destination=NDLS", ["12952"]),
        ("status=DELAYED", ["12301"]),
        ("limit=2&offset=1", ["12952", "12301"]),
        ("source=MAS", []),
    ],
)
def test_it_filters_and_pages_the_train_list(owner_client, timetable, query, expected):
    assert numbers(owner_client.get(f"/api/trains/?{query}")) == expected


@pytest.mark.parametrize("query", ["status=LATE", "limit=abc", "limit=0", "limit=101", "offset=-1", "offset=1.5"])
def test_it_rejects_bad_list_parameters(owner_client, timetable, query):
    field_errors(owner_client.get(f"/api/trains/?{query}"), query.split("=")[0])


def test_it_lists_trains_only_to_signed_in_users(anon_client, timetable):
    assert_problem(anon_client.get("/api/trains/"), 401, "NOT_AUTHENTICATED")


# --- One train (GET/PUT/PATCH/DELETE /api/trains/{train_number}/) ----------------------------------
def test_it_shows_one_train_to_any_user(outsider_client, train):
    response = outsider_client.get("/api/trains/12951/")

    assert response.status_code == 200
    assert response.json()["id"] == train.pk
    assert response.json()["available_seats"] == 10


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_it_answers_404_for_an_unknown_train(admin_client, method):
    response = getattr(admin_client, method)("/api/trains/99999/", train_payload(train_number=None), format="json")

    assert_problem(response, 404, "TRAIN_NOT_FOUND")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/trains/%00/"),
        ("patch", "/api/trains/12951%00/"),
        ("delete", "/api/trains/%00/"),
        ("post", "/api/trains/%00/events/"),
        ("post", "/me/favorites/%00"),
        ("delete", "/api/me/favorites/a%00b/"),
    ],
)
def test_it_answers_a_train_number_holding_nul_with_a_404(admin_client, train, method, path):
    # PostgreSQL refuses NUL in text: such a number must never reach a query.
    response = getattr(admin_client, method)(path, {"type": "ON_TIME"}, format="json")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE


def test_it_shows_trains_only_to_signed_in_users(anon_client, train):
    assert_problem(anon_client.get("/api/trains/12951/"), 401, "NOT_AUTHENTICATED")


def test_it_replaces_a_trains_details(admin_client, held_train):
    new_departure = DEPARTURE + timedelta(days=1)
    payload = train_payload(
        train_number=None,
        name="Rajdhani",
        source="mumbai central",
        destination="new  delhi",
        departure_time=iso(new_departure),
        arrival_time=iso(new_departure + timedelta(hours=15)),
        total_seats=12,
    )

    response = admin_client.put("/api/trains/12951/", payload, format="json")

    assert response.status_code == 200
    assert (response.json()["total_seats"], response.json()["available_seats"]) == (12, 8)
    held_train.refresh_from_db()
    assert (held_train.source_key, held_train.destination_key) == ("MUMBAI CENTRAL", "NEW DELHI")
    assert held_train.departure_time == new_departure


def test_it_wants_every_field_for_a_replacement(admin_client, train):
    response = admin_client.put("/api/trains/12951/", {"name": "Rajdhani"}, format="json")

    field_errors(response, "source", "destination", "departure_time", "arrival_time", "total_seats")


def test_it_changes_only_the_given_fields(admin_client, held_train):
    response = admin_client.patch("/api/trains/12951/", {"total_seats": 7}, format="json")

    assert response.status_code == 200
    held_train.refresh_from_db()
    assert (held_train.name, held_train.total_seats, held_train.available_seats) == ("Mumbai Rajdhani", 7, 3)


def test_it_accepts_an_empty_change(admin_client, train):
    before = snapshot(train)

    response = admin_client.patch("/api/trains/12951/", {}, format="json")

    assert response.status_code == 200
    assert snapshot(train) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"arrival_time": iso(DEPARTURE - timedelta(minutes=1))}, "arrival_time"),
        ({"departure_time": iso(ARRIVAL + timedelta(minutes=1))}, "arrival_time"),
        ({"destination": "ndls"}, "destination"),
        ({"source": "bct"}, "destination"),
        ({"total_seats": -1}, "total_seats"),
        ({"total_seats": "ten"}, "total_seats"),
        ({"name": None}, "name"),
    ],
)
def test_it_rejects_a_change_that_breaks_the_train(admin_client, train, change, field):
    before = snapshot(train)

    field_errors(admin_client.patch("/api/trains/12951/", change, format="json"), field)
    assert snapshot(train) == before


def test_it_refuses_to_shrink_a_train_below_its_bookings(admin_client, held_train):
    assert_problem(
        admin_client.patch("/api/trains/12951/", {"total_seats": 3}, format="json"), 409, "SEATS_ALREADY_BOOKED"
    )
    held_train.refresh_from_db()
    assert (held_train.total_seats, held_train.available_seats) == (10, 6)


def test_it_deletes_a_train_without_bookings(admin_client, train):
    response = admin_client.delete("/api/trains/12951/")

    assert response.status_code == 204
    assert not Train.objects.exists()


@pytest.mark.parametrize("status", ["CONFIRMED", "CANCELLED"])
def test_it_refuses_to_delete_a_train_with_bookings(admin_client, train, status):
    BookingFactory(train=train, status=status)

    assert_problem(admin_client.delete("/api/trains/12951/"), 409, "TRAIN_HAS_BOOKINGS")
    assert Train.objects.filter(pk=train.pk).exists()


@pytest.mark.parametrize(("client_name", "status", "code"), NOT_ADMINS)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_it_lets_only_admins_change_trains(request, train, client_name, status, code, method):
    before = snapshot(train)
    client = persona(request, client_name)

    response = getattr(client, method)("/api/trains/12951/", train_payload(train_number=None, name="X"), format="json")

    assert_problem(response, status, code)
    assert snapshot(train) == before
