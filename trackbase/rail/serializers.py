"""Rail output shapes (the IRCTC seed's), rendered from dicts on hot paths and documented here."""

from rest_framework import serializers

from trackbase.rail.models import Train
from trackbase.rail.selectors import TRAIN_OUTPUT_FIELDS


def train_data(train: Train) -> dict:
    return {name: getattr(train, name) for name in TRAIN_OUTPUT_FIELDS}


def booking_data(booking) -> dict:
    return {
        "id": booking.pk,
        "pnr": booking.pnr,
        "train": train_data(booking.train),
        "seats_booked": booking.seats,
        "status": booking.status,
        "created_at": booking.created_at,
        "cancelled_at": booking.cancelled_at,
    }


class TrainOutput(serializers.ModelSerializer):
    class Meta:
        model = Train
        fields = list(TRAIN_OUTPUT_FIELDS)


class BookingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    pnr = serializers.CharField()
    train = TrainOutput()
    seats_booked = serializers.IntegerField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    cancelled_at = serializers.DateTimeField(allow_null=True)


class TrainSearchOutput(serializers.Serializer):
    total = serializers.IntegerField()
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    results = TrainOutput(many=True)
