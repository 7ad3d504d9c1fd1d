"""Reads: countries, membership, a user's segments and the legs the pure rules take."""

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import F, Q, QuerySet
from django.utils import timezone

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


def segment_changes(*, user, since: datetime, limit: int, offset: int) -> tuple[int, list]:
    """Segments changed and deleted at or after `since`, oldest change first: (total, page rows).

    A page mixes segments and tombstones; each is ordered by its change time, so paging through with a
    fixed `since` sees every change once."""
    changed = TravelSegment.objects.filter(user=user, updated_at__gte=since).order_by("updated_at", "id")
    deleted = SegmentTombstone.objects.filter(user=user, deleted_at__gte=since).order_by("deleted_at", "id")
    total = changed.count() + deleted.count()
    window = offset + limit
    rows = [(s.updated_at, 0, s.pk, s) for s in changed[:window]]
    rows += [(t.deleted_at, 1, t.segment_id, t) for t in deleted[:window]]
    rows.sort(key=lambda row: row[:3])
    return total, [row[3] for row in rows[offset:window]]


def user_legs(*, user) -> list[Leg]:
    """The user's segments as legs, in the presence order (`rules.presence.leg_order`), sorted by the database."""
    fields = ("departure_country_id", "arrival_country_id", "departure_date", "arrival_date")
    rows = (
        TravelSegment.objects.filter(user=user)
        .order_by("departure_date", F("departure_time").asc(nulls_last=True), "id")
        .values_list(*fields, "departure_time", "id", "transit")
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
