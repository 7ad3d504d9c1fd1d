"""The hot lists render rows through shapes derived from the serializers (core/shapes.py): byte for byte what
the serializers' own field machinery renders for the same rows, nulls and datetimes included."""

from datetime import timedelta

import pytest
from rest_framework import serializers

from trackbase.core.renderers import dumps
from trackbase.core.testing import NOW
from trackbase.rail import selectors
from trackbase.rail.models import Booking, BookingStatus, Train
from trackbase.rail.serializers import BOOKING_ROW, BookingOutput, TrainOutput
from trackbase.rail.tests.factories import BookingFactory, TrainFactory

pytestmark = pytest.mark.django_db
ODD_TIME = NOW + timedelta(days=3, microseconds=123_456)


def _by_fields(serializer: serializers.Serializer, instance) -> dict:
    """DRF's field-by-field rendering, past TrainOutput's shortcut for stored values."""
    return serializers.Serializer.to_representation(serializer, instance)


class FieldByFieldBooking(BookingOutput):
    class FieldByFieldTrain(TrainOutput):
        to_representation = _by_fields

    train = FieldByFieldTrain()
    to_representation = _by_fields


@pytest.fixture
def bookings(owner):
    plain = TrainFactory(platform="")
    odd = TrainFactory(platform="7", departure_time=ODD_TIME, arrival_time=ODD_TIME + timedelta(hours=5))
    BookingFactory(user=owner, train=plain)
    BookingFactory(user=owner, train=odd, seats=6, status=BookingStatus.CANCELLED, cancelled_at=ODD_TIME)
    BookingFactory(train=odd)  # someone else's
    Booking.objects.filter(user=owner, train=odd).update(created_at=ODD_TIME)
    return Booking.objects.filter(user=owner).select_related("train").order_by("-created_at", "-id")


def test_my_bookings_rows_render_as_the_serializer(owner, bookings):
    fast = selectors.booking_list_for_user(user=owner)[0:20]

    assert dumps(fast) == dumps(FieldByFieldBooking(bookings, many=True).data)
    assert [row["cancelled_at"] for row in fast] == [ODD_TIME, None]


def test_one_booking_renders_as_the_serializer(bookings):
    for booking in bookings:
        assert dumps(BOOKING_ROW.render_object(booking)) == dumps(FieldByFieldBooking(booking).data)


def test_search_rows_render_as_the_serializer(bookings):
    trains = Train.objects.filter(source_key="NDLS", destination_key="BCT").order_by("departure_time", "id")

    fast = selectors.train_search(source="ndls", destination="BCT")[0:10]

    assert dumps(fast) == dumps(FieldByFieldBooking.FieldByFieldTrain(trains, many=True).data)
    assert len(fast) == 2
