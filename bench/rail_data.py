"""Rail data for the search, my-bookings and booking-contention benchmarks, inserted in bulk.

Trains are spread over ROUTE_COUNT (source, destination) pairs, the searched one (SEARCH_ROUTE) among
them, so it holds about `trains / ROUTE_COUNT` of them. Every seeded user holds 5 to 20 bookings on
those trains, and each train's available seats are its total minus its confirmed bookings' seats, as
booking them through the API would have left it. Three more trains, on a route of their own and with
no bookings, are the contention benchmark's: one to warm up on, one that cannot sell out in a run
("open"), and one with few seats that does ("sell-out").

Run inside Django (bench.seed imports this after django.setup()).
"""

import random
from collections import Counter
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum
from django.utils import timezone

from trackbase.rail import rules
from trackbase.rail.models import Booking, BookingStatus, Train

STATIONS = ["DEL", "BOM", "MAS", "HWH", "SBC", "PUNE", "ADI", "JP", "LKO", "PNBE", "BPL"]
SEARCH_ROUTE = ("DEL", "BOM")
ROUTE_COUNT = 100
BOOKINGS_PER_USER = (5, 20)
MAX_SEATS = rules.MAX_SEATS_PER_BOOKING
CANCELLED_SHARE = 0.1
CONTENTION_ROUTE = ("BENCH-A", "BENCH-B")
# Enough for any run: at a few thousand bookings a second, a run of minutes stays far below it.
OPEN_SEATS = 10_000_000
BATCH = 2000
SEED = 20_260_101  # fixed, so two runs hold the same data


def routes() -> list[tuple[str, str]]:
    pairs = [(a, b) for a in STATIONS for b in STATIONS if a != b and (a, b) != SEARCH_ROUTE]
    return [SEARCH_ROUTE, *pairs[: ROUTE_COUNT - 1]]


def _train(number: str, route: tuple[str, str], departure, total: int, available: int) -> Train:
    source, destination = route
    return Train(
        train_number=number,
        name=f"Bench Express {number}",
        source=source,
        destination=destination,
        source_key=rules.station_key(source),
        destination_key=rules.station_key(destination),
        departure_time=departure,
        arrival_time=departure + timedelta(hours=14),
        total_seats=total,
        available_seats=available,
    )


def _bookings_plan(rng: random.Random, user_ids: list[int], trains: int) -> list[tuple[int, int, int, bool]]:
    """(user id, train index, seats, confirmed) for every booking to seed."""
    plan = []
    for user_id in user_ids:
        for _ in range(rng.randint(*BOOKINGS_PER_USER)):
            plan.append((user_id, rng.randrange(trains), rng.randint(1, MAX_SEATS), rng.random() >= CANCELLED_SHARE))
    return plan


def rail_create(*, trains: int, sellout_seats: int) -> dict:
    """Seed the trains and bookings; -> the contention trains' ids and what was seeded."""
    rng = random.Random(SEED)
    now = timezone.now()
    user_ids = list(get_user_model().objects.order_by("pk").values_list("pk", flat=True))
    plan = _bookings_plan(rng, user_ids, trains)
    taken = Counter()
    for _, index, seats, confirmed in plan:
        if confirmed:
            taken[index] += seats
    pairs = routes()
    rows = []
    for i in range(trains):
        total = 500 + 100 * (i % 6)
        departure = now + timedelta(hours=2 + (i * 7) % 720, minutes=(i * 13) % 60)
        rows.append(_train(f"B{i:06d}", pairs[i % len(pairs)], departure, total, total - taken[i]))
    later = now + timedelta(days=2)
    contention = {"warm-up": OPEN_SEATS, "open": OPEN_SEATS, "sell-out": sellout_seats}
    for n, seats in enumerate(contention.values()):
        rows.append(_train(f"C{n:06d}", CONTENTION_ROUTE, later, seats, seats))
    Train.objects.bulk_create(rows, batch_size=BATCH)
    # Ids by number: MySQL's bulk_create does not return primary keys.
    ids = dict(Train.objects.values_list("train_number", "pk"))
    pnrs = rng.sample(range(10**9, 10**10), len(plan))  # unique, 10 digits
    bookings = [
        Booking(
            pnr=str(pnr),
            user_id=user_id,
            train_id=ids[f"B{index:06d}"],
            seats=seats,
            status=BookingStatus.CONFIRMED if confirmed else BookingStatus.CANCELLED,
            cancelled_at=None if confirmed else now,
        )
        for pnr, (user_id, index, seats, confirmed) in zip(pnrs, plan, strict=True)
    ]
    Booking.objects.bulk_create(bookings, batch_size=BATCH)
    search_matches = sum(1 for i in range(trains) if pairs[i % len(pairs)] == SEARCH_ROUTE)
    return {
        "trains": trains,
        "bookings": len(bookings),
        "search_route": "->".join(SEARCH_ROUTE),
        "search_matches": search_matches,
        "contention_trains": {
            name: {"id": ids[f"C{n:06d}"], "seats": seats} for n, (name, seats) in enumerate(contention.items())
        },
    }


def train_audit(train_id: int) -> dict:
    """What the database says about one train's seats: the contention benchmark's proof."""
    train = Train.objects.get(pk=train_id)
    confirmed = Q(status=BookingStatus.CONFIRMED)
    bookings = Booking.objects.filter(train_id=train_id).aggregate(
        confirmed_bookings=Count("pk", filter=confirmed),
        confirmed_seats=Sum("seats", filter=confirmed, default=0),
        other_bookings=Count("pk", filter=~confirmed),
    )
    return {
        "total_seats": train.total_seats,
        "available_seats": train.available_seats,
        "sold": train.total_seats - train.available_seats,
        **bookings,
    }
