"""Rail output shapes (the IRCTC seed's and seed 000's): each serializer both renders its shape and documents it."""

from collections.abc import Mapping

from rest_framework import serializers

from trackbase.core.shapes import RowShape
from trackbase.rail.models import Booking, BookingStatus, Train

TRAIN_OUTPUT_FIELDS = (
    "id", "train_number", "name", "source", "destination", "departure_time", "arrival_time",
    "total_seats", "available_seats", "status", "delay_minutes", "platform", "created_at", "updated_at",
)  # fmt: skip


class TrainOutput(serializers.ModelSerializer):
    """A train. Renders a Train, or a `.values(*TRAIN_OUTPUT_FIELDS)` dict (the hot lists: search, train list),
    copying the stored values as they are: no per-field conversion, and the JSON renderer writes datetimes
    as DateTimeField would (ISO 8601, UTC as Z)."""

    class Meta:
        model = Train
        fields = list(TRAIN_OUTPUT_FIELDS)

    def to_representation(self, train: Train | Mapping) -> dict:
        if isinstance(train, Mapping):
            return {name: train[name] for name in TRAIN_OUTPUT_FIELDS}
        return {name: getattr(train, name) for name in TRAIN_OUTPUT_FIELDS}


class BookingOutput(serializers.ModelSerializer):
    train = TrainOutput()
    seats_booked = serializers.IntegerField(source="seats")
    status = serializers.ChoiceField(choices=BookingStatus.choices)

    class Meta:
        model = Booking
        fields = ["id", "pnr", "train", "seats_booked", "status", "created_at", "cancelled_at"]


# The hot lists (search, my bookings) and single bookings render through these, derived from the serializers above.
TRAIN_ROW = RowShape(TrainOutput)
BOOKING_ROW = RowShape(BookingOutput)


class FavoriteOutput(serializers.Serializer):
    train = TrainOutput()
    created_at = serializers.DateTimeField()
