"""Reads: countries, membership, a user's segments and the legs the pure rules take."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db.models import F, Min, Q, QuerySet, Value
from django.utils import timezone

from trackbase.core.errors import DomainError
from trackbase.travel.models import Country, SchengenMembership, SegmentTombstone, TravelSegment
from trackbase.travel.rules.membership import Membership
from trackbase.travel.rules.presence import Leg


def country_list() -> QuerySet[Country]:
    return Country.objects.order_by("name")


def schengen_membership() -> Membership:
    return Membership.of(SchengenMembership.objects.values_list("country__iso_code", "joined_on", "left_on"))


def user_today(user) -> date:
    """Today in the user's own time zone (UTC when it is unset or unknown)."""
    try:
        zone = ZoneInfo(user.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return timezone.now().astimezone(zone).date()


def segment_list(
    *,
    user,
    date_from: date | None = None,
    date_to: date | None = None,
    country: str | None = None,
) -> QuerySet[TravelSegment]:
    """The user's segments, newest first; a date range keeps those that overlap it."""
    rows = TravelSegment.objects.filter(user=user)
    if date_from is not None:
        rows = rows.filter(arrival_date__gte=date_from)
    if date_to is not None:
        rows = rows.filter(departure_date__lte=date_to)
    if country:
        rows = rows.filter(Q(departure_country_id=country) | Q(arrival_country_id=country))
    return rows.order_by("-departure_date", "-departure_time", "-id")


def segment_get(*, user, segment_id: int) -> TravelSegment | None:
    return TravelSegment.objects.filter(user=user, pk=segment_id).first()


class SyncWindowExpired(DomainError):
    status, code = 410, "SYNC_WINDOW_EXPIRED"
    detail = "Deletions this old are no longer kept: read every segment again (GET without updated_since)."


def sync_horizon():
    """The oldest `updated_since` a device can catch up from: tombstones are purged after this long."""
    return timezone.now() - timedelta(days=settings.TRAVEL_TOMBSTONE_RETENTION_DAYS)


def segment_changes(*, user, since: datetime, limit: int, offset: int) -> tuple[int, list]:
    """Segments changed and deleted at or after `since`, oldest change first: (total, page rows).

    Segments and tombstones are merged and paged in the database (UNION ALL ordered by change time, kind and
    id), so a page costs the same wherever it is; then the page's segments are read by id. A `since` older
    than the tombstone retention is SyncWindowExpired: deletions before it may be gone."""
    if since < sync_horizon():
        raise SyncWindowExpired()
    changed = TravelSegment.objects.filter(user=user, updated_at__gte=since)
    deleted = SegmentTombstone.objects.filter(user=user, deleted_at__gte=since)
    total = changed.count() + deleted.count()
    keys = changed.annotate(kind=Value(0)).values_list("updated_at", "id", "kind").order_by()
    keys = keys.union(
        deleted.annotate(kind=Value(1)).values_list("deleted_at", "segment_id", "kind").order_by(), all=True
    )
    page = list(keys.order_by("updated_at", "kind", "id")[offset : offset + limit])
    segments = changed.in_bulk([item for _, item, kind in page if kind == 0])
    rows = [
        SegmentTombstone(segment_id=item, deleted_at=when) if kind else segments.get(item) for when, item, kind in page
    ]
    return total, [row for row in rows if row is not None]  # a segment deleted meanwhile: its tombstone follows


def _first_departure_needed(user, since: date) -> date | None:
    """The earliest departure day whose legs a ledger from `since` on reads (None: all of them).

    It reads the legs that can mark a day from `since` on -- those departing on or after it, the last one
    before it (its stay runs on) and any earlier leg that arrives on or after it (a long leg) -- and each
    one's neighbours in the presence order (an airside connection depends on the leg before). The legs
    departing on or after the last departure day before the earliest of those hold them all: a suffix of
    the presence order, so every leg read keeps its neighbours."""
    mine = TravelSegment.objects.filter(user=user)
    spanning = mine.filter(departure_date__lt=since, arrival_date__gte=since).aggregate(first=Min("departure_date"))
    boundary = min(since, spanning["first"] or since)
    before = mine.filter(departure_date__lt=boundary).order_by("-departure_date")
    return before.values_list("departure_date", flat=True).first()


def user_legs(*, user, since: date | None = None) -> list[Leg]:
    """The user's segments as legs, in the presence order (`rules.presence.leg_order`), sorted by the database.

    With `since`, only the legs a ledger from `since` on reads (`_first_departure_needed`): its days from
    `since` are exactly those of the full history's ledger, and a long history is not read in full."""
    fields = ("departure_country_id", "arrival_country_id", "departure_date", "arrival_date")
    rows = TravelSegment.objects.filter(user=user)
    first = _first_departure_needed(user, since) if since is not None else None
    if first is not None:
        rows = rows.filter(departure_date__gte=first)
    rows = rows.order_by("departure_date", F("departure_time").asc(nulls_last=True), "id").values_list(
        *fields, "departure_time", "id", "transit"
    )
    return [
        Leg(
            departure_country=dep,
            arrival_country=arr,
            departure_date=dep_date,
            arrival_date=arr_date,
            departure_time=dep_time,
            sequence=pk,
            transit=transit,
        )
        for dep, arr, dep_date, arr_date, dep_time, pk, transit in rows
    ]
