"""Rail reads. The hot ones (search) return plain dicts straight from the database: serializer
objects cost more than the queries on a 10-row page."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from trackbase.analytics.selectors import request_log_top_param_values
from trackbase.rail import rules
from trackbase.rail.models import Booking, Favorite, Train

SEARCH_ROUTE = "api/trains/search/"
TRAIN_OUTPUT_FIELDS = (
    "id", "train_number", "name", "source", "destination", "departure_time", "arrival_time",
    "total_seats", "available_seats", "status", "delay_minutes", "platform", "created_at", "updated_at",
)  # fmt: skip


def train_search(*, source: str, destination: str, limit: int, offset: int) -> tuple[int, list[dict]]:
    """Trains from source to destination (case-insensitive), by departure then id, cached for a few
    seconds (settings.RAIL_SEARCH_CACHE_SECONDS). -> (total, page)

    Seat counts and statuses in search results may be that many seconds old; booking never reads them,
    it takes seats with a conditional UPDATE on the train row."""
    source_key, destination_key = rules.station_key(source), rules.station_key(destination)
    seconds = settings.RAIL_SEARCH_CACHE_SECONDS
    if seconds <= 0:
        return _route_page(source_key, destination_key, limit, offset)
    # Hashed: station names may hold spaces and any letters, which some cache backends refuse in keys.
    route = hashlib.sha256(f"{source_key}\n{destination_key}".encode()).hexdigest()
    key = f"rail:search:{route}:{limit}:{offset}"
    found = cache.get(key)
    if found is None:
        found = _route_page(source_key, destination_key, limit, offset)
        cache.set(key, found, seconds)
    return found


def _route_page(source_key: str, destination_key: str, limit: int, offset: int) -> tuple[int, list[dict]]:
    trains = Train.objects.filter(source_key=source_key, destination_key=destination_key).order_by(
        "departure_time", "id"
    )
    page = list(trains.values(*TRAIN_OUTPUT_FIELDS)[offset : offset + limit])
    return _total(trains, page, limit, offset), page


def _total(rows: QuerySet, page: list, limit: int, offset: int) -> int:
    """The count of `rows`, without a COUNT query when the page shows where they end (most routes fit on one)."""
    if len(page) < limit and (page or not offset):
        return offset + len(page)
    return rows.count()


def train_list(*, source: str | None = None, destination: str | None = None, status: str | None = None) -> QuerySet:
    trains = Train.objects.order_by("departure_time", "id")
    if source:
        trains = trains.filter(source_key=rules.station_key(source))
    if destination:
        trains = trains.filter(destination_key=rules.station_key(destination))
    if status:
        trains = trains.filter(status=status)
    return trains.values(*TRAIN_OUTPUT_FIELDS)


def train_get(*, train_number: str) -> Train | None:
    return Train.objects.filter(train_number=train_number).first()


def booking_list_for_user(*, user) -> QuerySet[Booking]:
    return Booking.objects.filter(user=user).select_related("train").order_by("-created_at", "-id")


def booking_page_for_user(*, user, limit: int, offset: int) -> tuple[int, list[Booking]]:
    """One page of the user's bookings, newest first, with their trains. -> (total, page)"""
    bookings = booking_list_for_user(user=user)
    page = list(bookings[offset : offset + limit])
    return _total(bookings, page, limit, offset), page


def booking_get_for_user(*, user, booking_id: int) -> Booking | None:
    return Booking.objects.filter(user=user, pk=booking_id).select_related("train").first()


def favorite_list_for_user(*, user) -> QuerySet[Favorite]:
    return Favorite.objects.filter(user=user).select_related("train").order_by("-created_at", "-id")


def top_routes(*, days: int | None, limit: int) -> list[dict]:
    """Most searched (source, destination) pairs, from the request log; `days` limits the window."""
    since = timezone.now() - timedelta(days=days) if days else None
    return request_log_top_param_values(route=SEARCH_ROUTE, params=("source", "destination"), since=since, limit=limit)
