"""The production WSGI app with its overbooking guard removed: for proving that the concurrency test can fail.

Served by gunicorn as `tests.blackbox.broken_booking_wsgi:application` (never imported by pytest itself). It
replaces `trackbase.rail.services.booking_create`, the conditional `UPDATE ... WHERE available_seats >= n`, with
the classic naive version: read the free seats outside any transaction, check them, pause (as a slow request
would), then write back `read - seats` and insert the booking. Requests that read the same count all pass the
check, and each overwrites the others' decrement.

The booking view calls `services.booking_create` through the module at request time (`apis.services` is the
module), so replacing the module attribute is enough; the asserts below check that. Every response carries
`X-Booking-Guard: removed`, so a test can tell it is talking to this app.
"""

import time

from django.db import transaction
from django.utils import timezone

from config.wsgi import application as django_application
from trackbase.rail import apis, rules, services
from trackbase.rail.models import Booking, Train

# Long enough that requests served in parallel read the same count; short enough to keep the test quick.
RACE_WINDOW_SECONDS = 0.1


def booking_create_without_guard(*, user, train_id: int, seats: int) -> Booking:
    if not 1 <= seats <= rules.MAX_SEATS_PER_BOOKING:
        raise services.SeatLimitExceeded(errors={"seats": [services.SeatLimitExceeded.detail]})
    train = Train.objects.filter(pk=train_id).first()  # read outside the transaction: the bug
    if train is None:
        raise services.TrainNotFound()
    if train.available_seats < seats:
        raise services.NotEnoughSeats(errors={"seats": [f"Only {train.available_seats} seats are available."]})
    time.sleep(RACE_WINDOW_SECONDS)
    with transaction.atomic():
        Train.objects.filter(pk=train_id).update(
            available_seats=train.available_seats - seats, updated_at=timezone.now()
        )
        return Booking.objects.create(pnr=rules.new_pnr(), user=user, train_id=train_id, seats=seats)


services.booking_create = booking_create_without_guard
# The view must reach the replacement: it looks the function up on the module object at request time.
assert apis.services is services
assert {"services", "booking_create"} <= set(apis.BookingCreateApi.post.__wrapped__.__code__.co_names)
assert apis.services.booking_create is booking_create_without_guard


def application(environ, start_response):
    def start_marked(status, headers, exc_info=None):
        return start_response(status, [*headers, ("X-Booking-Guard", "removed")], exc_info)

    return django_application(environ, start_marked)
