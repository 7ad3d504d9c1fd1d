"""From parsed rows to flights with local dates and times, and the layover reading.

Local times are read in each airport's time zone. The arrival day is, in order of preference: the file's
arrival date; the departure instant plus the flight's duration, in the arrival airport's zone; the
departure day, or the day after when the arrival time is earlier than the departure time.

Layover: consecutive flights (by departure) where the second leaves from the airport the first landed at
within LAYOVER hours (default 24) of landing form one journey; the first flight's arrival is marked as a
transit connection. Without times, a connection on the same day counts as a layover.
"""

import functools
import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from trackbase.travel.imports.airports import Airport, lookup
from trackbase.travel.imports.formats import RawFlight, RowError


@dataclass(slots=True)
class Flight:
    row: int
    origin: Airport
    destination: Airport
    departure_date: date
    arrival_date: date
    departure_time: time | None
    arrival_time: time | None
    departed_at: datetime | None  # UTC instants (naive), when times are known
    landed_at: datetime | None
    flight_number: str
    transit: bool = False

    @property
    def import_key(self) -> str:
        # The same text as ever (date|origin|destination|HH:MM|flight number): earlier imports' keys stay valid.
        departure = self.departure_time.isoformat("minutes") if self.departure_time else ""
        route = f"{self.origin.key}|{self.destination.key}"
        key = f"{self.departure_date.isoformat()}|{route}|{departure}|{self.flight_number}"
        return hashlib.sha256(key.encode()).hexdigest()[:40]


@functools.lru_cache(maxsize=16384)
def _airport(codes: tuple[str, ...]) -> Airport | None:
    for code in codes:
        if (found := lookup(code)) is not None:
            return found
    return None


@functools.cache
def _zone(name: str) -> ZoneInfo:
    # ZoneInfo's own cache is weak: without this, a zone is re-read from disk once its last user is gone.
    return ZoneInfo(name)


@functools.lru_cache(maxsize=65536)
def _day_offset(day: date, zone: str) -> timedelta | None:
    """The zone's UTC offset on `day` when it is the same all day long (no clock change), else None."""
    tz = _zone(zone)
    # Equal offsets at both ends of the day mean none in between: no zone changes its clock twice in a day.
    first = datetime.combine(day, time.min, tz).utcoffset()
    return first if first == datetime.combine(day, time.max, tz).utcoffset() else None


def _instant(day: date, moment: time | None, zone: str) -> datetime | None:
    """The UTC instant (naive) of a local time: one cached offset per (day, zone), exact on a clock-change day."""
    if moment is None:
        return None
    offset = _day_offset(day, zone)
    if offset is None:
        return datetime.combine(day, moment, _zone(zone)).astimezone(UTC).replace(tzinfo=None)
    return datetime.combine(day, moment) - offset


def to_flight(raw: RawFlight) -> Flight | RowError:
    origin, destination = _airport(raw.origin), _airport(raw.destination)
    if origin is None or destination is None:
        unknown = "/".join(raw.origin if origin is None else raw.destination)
        return RowError(raw.row, f"Unknown airport {unknown}.")
    departed_at = _instant(raw.day, raw.departure_time, origin.tz)
    arrival_day = raw.arrival_day
    landed_at = None
    if arrival_day is None and departed_at is not None and raw.duration is not None:
        landed_local = (departed_at + raw.duration).replace(tzinfo=UTC).astimezone(_zone(destination.tz))
        arrival_day = landed_local.date()
    if arrival_day is None:
        late = raw.arrival_time is not None and raw.departure_time is not None and raw.arrival_time < raw.departure_time
        arrival_day = raw.day + timedelta(days=1 if late else 0)
    if arrival_day < raw.day:
        return RowError(raw.row, "The arrival is before the departure.")
    landed_at = _instant(arrival_day, raw.arrival_time, destination.tz)
    return Flight(
        row=raw.row,
        origin=origin,
        destination=destination,
        departure_date=raw.day,
        arrival_date=arrival_day,
        departure_time=raw.departure_time,
        arrival_time=raw.arrival_time,
        departed_at=departed_at,
        landed_at=landed_at,
        flight_number=raw.flight_number,
    )


def _connects(first: Flight, second: Flight, layover: timedelta) -> bool:
    if first.destination.key != second.origin.key:
        return False
    if first.landed_at is not None and second.departed_at is not None:
        return timedelta(0) <= second.departed_at - first.landed_at <= layover
    return first.arrival_date == second.departure_date


def mark_layovers(flights: list[Flight], *, layover: timedelta = timedelta(hours=24)) -> list[Flight]:
    """The flights in departure order, each arrival that connects to the next flight marked transit
    (in place: at 100,000 rows a copy per flight is a measurable share of the import)."""
    # The ledger's order: departure day, then local departure time (timed first), then file order.
    ordered = sorted(
        flights, key=lambda f: (f.departure_date, f.departure_time is None, f.departure_time or time.min, f.row)
    )
    for flight, following in pairwise(ordered):
        flight.transit = _connects(flight, following, layover)
    return ordered
