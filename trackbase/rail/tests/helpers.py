"""Shared by the rail tests: request bodies, seats taken the real way, timestamps as the API writes them."""

from datetime import datetime, timedelta

from trackbase.core.testing import NOW
from trackbase.rail import services
from trackbase.rail.models import Booking, Train

DEPARTURE = NOW + timedelta(days=1)
ARRIVAL = DEPARTURE + timedelta(hours=16)
# (client fixture, status, code) of every persona an admin-only write must refuse.
NOT_ADMINS = [
    ("anon_client", 401, "NOT_AUTHENTICATED"),
    ("owner_client", 403, "PERMISSION_DENIED"),
    ("worker_client", 403, "PERMISSION_DENIED"),
]


def train_payload(**overrides) -> dict:
    """A valid POST /api/trains/ body; `overrides` replace fields (None drops one)."""
    payload = {
        "train_number": "12951",
        "name": "Mumbai Rajdhani",
        "source": "NDLS",
        "destination": "BCT",
        "departure_time": iso(DEPARTURE),
        "arrival_time": iso(ARRIVAL),
        "total_seats": 100,
    } | overrides
    return {name: value for name, value in payload.items() if value is not None}


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def book(user, train: Train, seats: int = 1) -> Booking:
    """Take seats through the booking service, so the train's available seats follow."""
    return services.booking_create(user=user, train_id=train.pk, seats=seats)


def seats_left(train: Train) -> int:
    return Train.objects.values_list("available_seats", flat=True).get(pk=train.pk)
