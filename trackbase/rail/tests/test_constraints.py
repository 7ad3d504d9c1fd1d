"""The invariants the database itself enforces, whatever the code above it does (MariaDB checks since 10.2)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from trackbase.rail.models import Train
from trackbase.rail.tests.factories import BookingFactory, FavoriteFactory, TrainFactory

pytestmark = pytest.mark.django_db


def violates(**changes) -> None:
    """Force `changes` onto the train 12951 past every check above the database."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Train.objects.filter(train_number="12951").update(**changes)


def test_it_keeps_available_seats_within_the_total(train):
    violates(available_seats=F("total_seats") + 1)


def test_it_keeps_available_seats_from_going_negative(train):
    # On MariaDB the column is unsigned, and the subtraction itself is out of range (also an IntegrityError).
    violates(available_seats=F("available_seats") - 11)


def test_it_keeps_arrival_after_departure(train):
    violates(arrival_time=F("departure_time"))


def test_it_keeps_source_and_destination_apart(train):
    violates(destination_key=F("source_key"))


def test_it_still_allows_a_full_train(train):
    Train.objects.filter(pk=train.pk).update(available_seats=0, arrival_time=F("departure_time") + timedelta(seconds=1))


def test_it_keeps_train_numbers_unique(train):
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainFactory(train_number="12951")


def test_it_keeps_pnrs_unique(train):
    BookingFactory(train=train, pnr="1234567890")

    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(train=train, pnr="1234567890")


def test_it_wants_at_least_one_seat_per_booking(train):
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(train=train, seats=0)


def test_it_keeps_one_favorite_per_user_and_train(owner, train):
    FavoriteFactory(user=owner, train=train)

    with pytest.raises(IntegrityError), transaction.atomic():
        FavoriteFactory(user=owner, train=train)
