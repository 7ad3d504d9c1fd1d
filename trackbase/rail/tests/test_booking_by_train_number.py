"""POST /api/bookings/ with `train_number` instead of `train_id`: what a user who knows the number sends."""

import pytest

from trackbase.core.testing import assert_problem, field_errors
from trackbase.rail.models import Booking
from trackbase.rail.tests.helpers import seats_left

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/bookings/"


def test_it_books_by_train_number(owner, owner_client, train):
    response = owner_client.post(BOOKINGS, {"train_number": "12951", "seats": 2}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["train"]["train_number"] == "12951"
    assert Booking.objects.get().user == owner
    assert seats_left(train) == 8


def test_it_says_which_train_number_is_unknown(owner_client, train):
    assert_problem(
        owner_client.post(BOOKINGS, {"train_number": "99999", "seats": 1}, format="json"), 404, "TRAIN_NOT_FOUND"
    )


@pytest.mark.parametrize("body", [{"seats": 1}, {"train_id": 1, "train_number": "12951", "seats": 1}])
def test_it_wants_exactly_one_train_reference(owner_client, train, body):
    response = owner_client.post(BOOKINGS, body, format="json")

    assert field_errors(response) == {"train_id": ["Give either train_id or train_number."]}
    assert not Booking.objects.exists()
