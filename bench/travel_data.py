"""Travel data for the Schengen status and segment sync benchmarks, inserted in bulk.

- TRAVELLERS users, each with `years` of history ending today (about one segment a day across Schengen
  and non-Schengen states, as `bench.travel.history` makes them): what `GET /api/calculations/schengen/`
  reads on a cache miss (every segment of the user, in presence order).
- One sync user with `sync_segments` segments and SYNC_TOMBSTONES deleted ones, changed one a minute up
  to the seeding time: what `GET /api/travel-segments/?updated_since=` pages through. A device that
  synced an hour ago gets the last hour's changes; a new device (`updated_since` long ago) all of them.

`updated_at`/`created_at` are set explicitly (the fields' auto_now is switched off in this process
only), so the changes are spread in time as a real history would be, not stamped with the seeding second.
Run inside Django (bench.seed imports this after django.setup()).
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from trackbase.travel.models import SegmentTombstone, Transport, TravelSegment

TRAVELLER_PREFIX = "bench_traveller_"
SYNC_USERNAME = "bench_sync"
TRAVELLERS = 10
SYNC_TOMBSTONES = 1_000
SYNC_RECENT = timedelta(hours=1)  # what a device that synced an hour ago asks for
SYNC_PAGE = 100  # the largest page (trackbase.core.pagination.MAX_LIMIT)
COUNTRIES = ["DE", "FR", "ES", "IT", "NL", "HR", "BG", "AT", "US", "GB", "IE", "TR", "AE", "CH"]
BATCH = 2000
SEED = 20_261_201


def _history(rng: random.Random, years: int, end) -> list[tuple[str, str, object, object, bool]]:
    """(from, to, departure day, arrival day, transit) of a frequent traveller, oldest first."""
    day = end - timedelta(days=365 * years)
    here, legs = "US", []
    while day < end:
        there = rng.choice([c for c in COUNTRIES if c != here])
        length = rng.choice([0, 0, 0, 0, 0, 1])
        legs.append((here, there, day, day + timedelta(days=length), rng.random() < 0.05))
        day += timedelta(days=length + rng.choice([0, 0, 1, 1, 2]))
        here = there
    return legs


def _explicit_timestamps() -> None:
    """Let bulk_create keep the created_at/updated_at we set (this seeding process only)."""
    TravelSegment._meta.get_field("updated_at").auto_now = False
    TravelSegment._meta.get_field("created_at").auto_now_add = False
    SegmentTombstone._meta.get_field("deleted_at").auto_now_add = False


def _users(usernames: list[str]) -> list:
    user_model = get_user_model()
    password, now = make_password(None), timezone.now()  # unusable: these users only hold tokens
    users = [user_model(username=name, email=f"{name}@bench.invalid") for name in usernames]
    for user in users:
        user.password, user.last_active_at = password, now
    user_model.objects.bulk_create(users)
    return list(user_model.objects.filter(username__in=usernames).order_by("pk"))


def travel_create(*, years: int, sync_segments: int) -> dict:
    _explicit_timestamps()
    rng = random.Random(SEED)
    now = timezone.now()
    today = now.date()
    travellers = _users([f"{TRAVELLER_PREFIX}{i:02d}" for i in range(TRAVELLERS)])
    (sync_user,) = _users([SYNC_USERNAME])
    rows, per_traveller = [], []
    for user in travellers:
        legs = _history(rng, years, today)
        per_traveller.append(len(legs))
        for n, (origin, destination, departure, arrival, transit) in enumerate(legs):
            stamp = now - timedelta(days=(today - departure).days, minutes=len(legs) - n)
            rows.append(_segment(user, origin, destination, departure, arrival, transit, stamp))
    TravelSegment.objects.bulk_create(rows, batch_size=BATCH)
    # The sync user's segments: one change a minute, the newest a minute ago; tombstones interleaved.
    rows = []
    day = today - timedelta(days=sync_segments // 10)
    for n in range(sync_segments):
        origin, destination = rng.sample(COUNTRIES, 2)
        departure = day + timedelta(days=n // 10)
        stamp = now - timedelta(minutes=sync_segments - n)
        rows.append(_segment(sync_user, origin, destination, departure, departure, False, stamp))
    TravelSegment.objects.bulk_create(rows, batch_size=BATCH)
    tombstones = [
        SegmentTombstone(
            user=sync_user,
            segment_id=10**12 + n,
            deleted_at=now - timedelta(minutes=sync_segments - n * sync_segments // SYNC_TOMBSTONES, seconds=30),
        )
        for n in range(SYNC_TOMBSTONES)
    ]
    SegmentTombstone.objects.bulk_create(tombstones, batch_size=BATCH)
    recent = now - SYNC_RECENT
    return {
        "years": years,
        "travellers": len(travellers),
        "history_segments": per_traveller,
        "sync_segments": sync_segments,
        "sync_tombstones": SYNC_TOMBSTONES,
        "seeded_at": now.isoformat(),
        "sync_recent_changes": TravelSegment.objects.filter(user=sync_user, updated_at__gte=recent).count()
        + SegmentTombstone.objects.filter(user=sync_user, deleted_at__gte=recent).count(),
    }


def _segment(user, origin, destination, departure, arrival, transit, stamp) -> TravelSegment:
    return TravelSegment(
        user=user,
        departure_country_id=origin,
        arrival_country_id=destination,
        departure_date=departure,
        arrival_date=arrival,
        mode_of_transport=Transport.FLIGHT,
        transit=transit,
        created_at=stamp,
        updated_at=stamp,
    )


def travellers():
    return list(get_user_model().objects.filter(username__startswith=TRAVELLER_PREFIX).order_by("pk"))


def sync_user():
    return get_user_model().objects.get(username=SYNC_USERNAME)


def sync_total() -> int:
    user = sync_user()
    return TravelSegment.objects.filter(user=user).count() + SegmentTombstone.objects.filter(user=user).count()


def sync_started_at():
    """When the sync history begins (its oldest change, to the second below): a new device's `updated_since`.
    It must be within TRAVEL_TOMBSTONE_RETENTION_DAYS (90) of now, else the API answers 410: 100,000 changes
    one a minute span 70 days."""
    user = sync_user()
    oldest = TravelSegment.objects.filter(user=user).order_by("updated_at").values_list("updated_at", flat=True)
    return oldest.first().replace(microsecond=0)


def seeded_at():
    """When the sync history ends (its newest change): the newest segment or tombstone."""
    user = sync_user()
    latest = TravelSegment.objects.filter(user=user).order_by("-updated_at").values_list("updated_at", flat=True)
    return latest.first()
