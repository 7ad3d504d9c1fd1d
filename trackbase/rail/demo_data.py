"""Demo trains, a favorite and bookings for `manage.py load_demo_data` (after the accounts app's demo users)."""

from datetime import timedelta

from django.utils import timezone

from trackbase.accounts.models import User
from trackbase.core.errors import DomainError
from trackbase.rail import services
from trackbase.rail.models import Booking, Train

# (number, name, source, destination, departure in hours from now, duration in hours, seats)
DEMO_TRAINS = (
    ("12951", "Mumbai Rajdhani", "Mumbai", "Delhi", 24, 16, 120),
    ("12952", "New Delhi Rajdhani", "Delhi", "Mumbai", 26, 16, 120),
    ("12002", "Bhopal Shatabdi", "Delhi", "Bhopal", 30, 8, 80),
    ("12627", "Karnataka Express", "Bangalore", "Delhi", 48, 40, 200),
    ("22691", "Rajdhani Express", "Bangalore", "Delhi", 50, 34, 150),
    ("12260", "Duronto Express", "Delhi", "Kolkata", 72, 17, 100),
)
# (username, train number, seats)
DEMO_BOOKINGS = (("alice", "12951", 2), ("alice", "12002", 1), ("bob", "12951", 4))
DEMO_FAVORITES = (("alice", "12951"), ("bob", "12627"))


def load() -> list[str]:
    lines = [_train(*row) for row in DEMO_TRAINS]
    users = {user.username: user for user in User.objects.filter(username__in={row[0] for row in DEMO_BOOKINGS})}
    for username, train_number, seats in DEMO_BOOKINGS:
        lines.append(_booking(users.get(username), username, train_number, seats))
    for username, train_number in DEMO_FAVORITES:
        if username in users:
            services.favorite_add(user=users[username], train_number=train_number)
    return lines


def _train(number: str, name: str, source: str, destination: str, hours: int, duration: int, seats: int) -> str:
    if Train.objects.filter(train_number=number).exists():
        return f"train {number} already there"
    departure = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=hours)
    services.train_upsert(
        train_number=number,
        name=name,
        source=source,
        destination=destination,
        departure_time=departure,
        arrival_time=departure + timedelta(hours=duration),
        total_seats=seats,
    )
    return f"train {number} {name} ({source} -> {destination}) created"


def _booking(user, username: str, train_number: str, seats: int) -> str:
    if user is None:
        return f"{username} is missing: no booking on {train_number}"
    train = Train.objects.get(train_number=train_number)
    if Booking.objects.filter(user=user, train=train).exists():
        return f"{username} already has a booking on {train_number}"
    try:
        booking = services.booking_create(user=user, train_id=train.pk, seats=seats)
    except DomainError as exc:  # e.g. the demo train has departed since an earlier load
        return f"{username}: no booking on {train_number} ({exc.code})"
    return f"{username} booked {seats} seat(s) on {train_number} (booking {booking.pk})"
