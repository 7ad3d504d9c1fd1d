from datetime import timedelta

import factory
from django.utils import timezone

from trackbase.accounts.tests.factories import UserFactory
from trackbase.rail import rules
from trackbase.rail.models import Booking, Favorite, Train, TrainEvent


class TrainFactory(factory.django.DjangoModelFactory):
    """A train leaving tomorrow (by the frozen clock) with every seat free."""

    class Meta:
        model = Train

    train_number = factory.Sequence(lambda n: f"{20000 + n}")
    name = factory.Sequence(lambda n: f"Express {n}")
    source = "NDLS"
    destination = "BCT"
    source_key = factory.LazyAttribute(lambda t: rules.station_key(t.source))
    destination_key = factory.LazyAttribute(lambda t: rules.station_key(t.destination))
    departure_time = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    arrival_time = factory.LazyAttribute(lambda t: t.departure_time + timedelta(hours=16))
    total_seats = 100
    available_seats = factory.LazyAttribute(lambda t: t.total_seats)


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking row as it stands in the database; it takes no seats off its train (use `book` for that)."""

    class Meta:
        model = Booking

    pnr = factory.Sequence(lambda n: f"{n:010d}")
    user = factory.SubFactory(UserFactory)
    train = factory.SubFactory(TrainFactory)
    seats = 2


class FavoriteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Favorite

    user = factory.SubFactory(UserFactory)
    train = factory.SubFactory(TrainFactory)


class TrainEventFactory(factory.django.DjangoModelFactory):
    """An event row as it stands in the database; it changes nothing on its train (use the service for that)."""

    class Meta:
        model = TrainEvent

    train = factory.SubFactory(TrainFactory)
    type = "ON_TIME"
