"""Rail reads. The hot ones (search) return plain dicts straight from the database: serializer
objects cost more than the queries on a 10-row page."""

from datetime import timedelta

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
    """Trains from source to destination (case-insensitive), by departure then id. -> (total, page)"""
    trains = Train.objects.filter(
        source_key=rules.station_key(source), destination_key=rules.station_key(destination)
    ).order_by("departure_time", "id")
    return trains.count(), list(trains.values(*TRAIN_OUTPUT_FIELDS)[offset : offset + limit])


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


def booking_get_for_user(*, user, booking_id: int) -> Booking | None:
    return Booking.objects.filter(user=user, pk=booking_id).select_related("train").first()


def favorite_list_for_user(*, user) -> QuerySet[Favorite]:
    return Favorite.objects.filter(user=user).select_related("train").order_by("-created_at", "-id")


def top_routes(*, days: int | None, limit: int) -> list[dict]:
    """Most searched (source, destination) pairs, from the request log; `days` limits the window."""
    since = timezone.now() - timedelta(days=days) if days else None
    return request_log_top_param_values(route=SEARCH_ROUTE, params=("source", "destination"), since=since, limit=limit)
