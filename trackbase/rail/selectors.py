"""Rail reads. The hot lists (search, my bookings) run SQL built once (core/shapes.py) and return output dicts
rendered by the serializers' row shapes; the train list returns `.values()` dicts, which TrainOutput copies as
they are: building model instances and converting each field would cost more than the queries on a page."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from trackbase.analytics.selectors import request_log_top_param_values
from trackbase.core.pagination import page_total
from trackbase.core.shapes import PreparedQuery, PreparedRows
from trackbase.rail import rules
from trackbase.rail.models import Booking, Favorite, Train
from trackbase.rail.serializers import BOOKING_ROW, TRAIN_OUTPUT_FIELDS, TRAIN_ROW

SEARCH_ROUTE = "api/trains/search/"


def _route_trains(source_key: str, destination_key: str) -> QuerySet:
    return Train.objects.filter(source_key=source_key, destination_key=destination_key).order_by("departure_time", "id")


def _user_bookings(user_id: int) -> QuerySet:
    return Booking.objects.filter(user_id=user_id).order_by("-created_at", "-id")


ROUTE_TRAINS = PreparedQuery(_route_trains, "DEL", "BOM", shape=TRAIN_ROW)
USER_BOOKINGS = PreparedQuery(_user_bookings, 1, shape=BOOKING_ROW)


class RouteTrains:
    """The trains from one station to another, by departure then id, as `paginate` reads rows: a slice is one
    page, kept in the cache for settings.RAIL_SEARCH_CACHE_SECONDS together with the route's count, so a
    repeated search costs no query at all. Rows are TrainOutput's dicts (TRAIN_ROW). Seat counts and
    statuses may be that old; booking never reads them (a conditional UPDATE on the train row decides)."""

    def __init__(self, *, source: str, destination: str):
        self._rows = PreparedRows(ROUTE_TRAINS, rules.station_key(source), rules.station_key(destination))
        self._total: int | None = None

    def __getitem__(self, window: slice) -> list[dict]:
        offset, limit = window.start, window.stop - window.start
        seconds = settings.RAIL_SEARCH_CACHE_SECONDS
        if seconds <= 0:
            self._total, page = self._page(limit, offset)
            return page
        # Hashed: station names may hold spaces and any letters, which some cache backends refuse in keys.
        route = hashlib.sha256("\n".join(self._rows.args).encode()).hexdigest()
        key = f"rail:search:{route}:{limit}:{offset}"
        found = cache.get(key)
        if found is None:
            found = self._page(limit, offset)
            cache.set(key, found, seconds)
        self._total, page = found
        return page

    def count(self) -> int:
        """The route's count as of the page last read (paginate reads a page first)."""
        if self._total is None:
            return self._rows.count()
        return self._total

    def _page(self, limit: int, offset: int) -> tuple[int, list[dict]]:
        page = self._rows[offset : offset + limit]
        return page_total(self._rows, page, limit, offset), page


def train_search(*, source: str, destination: str) -> RouteTrains:
    """Trains from source to destination (case- and space-insensitive), for `paginate`; pages may be up to
    settings.RAIL_SEARCH_CACHE_SECONDS old."""
    return RouteTrains(source=source, destination=destination)


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


def booking_list_for_user(*, user) -> PreparedRows:
    """The user's bookings, newest first, as BookingOutput's dicts with their trains (one query per page)."""
    return PreparedRows(USER_BOOKINGS, user.pk)


def booking_get_for_user(*, user, booking_id: int) -> Booking | None:
    return Booking.objects.filter(user=user, pk=booking_id).select_related("train").first()


def favorite_list_for_user(*, user) -> QuerySet[Favorite]:
    return Favorite.objects.filter(user=user).select_related("train").order_by("-created_at", "-id")


def top_routes(*, days: int | None, limit: int) -> list[dict]:
    """Most searched (source, destination) pairs, from the request log; `days` limits the window."""
    since = timezone.now() - timedelta(days=days) if days else None
    return request_log_top_param_values(route=SEARCH_ROUTE, params=("source", "destination"), since=since, limit=limit)
