"""The production WSGI app with a pause between a booking's effect and its response: for crash tests.

Served by gunicorn as `tests.blackbox.slow_booking_wsgi:application` (never imported by pytest itself). It wraps
`trackbase.rail.services.booking_create` so that each booking, once its seats are taken and its row is written,
waits PAUSE_SECONDS before the view goes on to render and store its response. In production that moment is a few
microseconds; here it is wide enough that a SIGKILL during a burst reliably lands inside it. Nothing else changes:
the guard, the idempotency handling and the transactions are the real ones.

Every response carries `X-Booking-Pause: <seconds>`, so a test can tell it is talking to this app.
"""

import time

from config.wsgi import application as django_application
from trackbase.rail import apis, services
from trackbase.rail.models import Booking

PAUSE_SECONDS = 0.3
_booking_create = services.booking_create


def booking_create_then_pause(*, user, train_id: int, seats: int) -> Booking:
    booking = _booking_create(user=user, train_id=train_id, seats=seats)
    time.sleep(PAUSE_SECONDS)
    return booking


services.booking_create = booking_create_then_pause
# The view must reach the replacement: it looks the function up on the module object at request time.
assert apis.services is services
assert apis.services.booking_create is booking_create_then_pause


def application(environ, start_response):
    def start_marked(status, headers, exc_info=None):
        return start_response(status, [*headers, ("X-Booking-Pause", str(PAUSE_SECONDS))], exc_info)

    return django_application(environ, start_marked)
