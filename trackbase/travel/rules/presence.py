"""Where a traveller was on each day, read from their travel segments.

The reading (docs/travel.md, "Presence"):
- Segments are ordered by departure date, then departure time (timed segments of a day first, in time
  order), then creation order.
- A segment's departure day counts in its departure country and its arrival day in its arrival country,
  so a travel day counts in both. Days strictly inside a multi-day segment (a night ferry, a long drive)
  count in both end countries: the cautious reading for a visa count.
- After arriving, the traveller stays in the arrival country from the arrival day up to and including the
  departure day of the next segment (or the end of the ledger, for the last segment).
- Before the first segment presence is unknown and nothing is counted.
- A segment whose arrival is marked as a transit connection (the next segment leaves the same country
  no later than the day after) starts no stay. When the connection is airside -- the connecting country
  is not a Schengen state, or neither the origin nor the final destination is (no border check into or
  out of the area happens there) -- the connecting country is not counted at all: it is no entry.
"""

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

from trackbase.travel.rules.membership import NO_MEMBERS, Membership

ONE_DAY = timedelta(days=1)

Ledger = dict[date, frozenset[str]]


@dataclass(frozen=True, slots=True)
class Leg:
    departure_country: str
    arrival_country: str
    departure_date: date
    arrival_date: date
    departure_time: time | None = None
    sequence: int = 0
    transit: bool = False


def leg_order(leg: Leg) -> tuple:
    return (leg.departure_date, leg.departure_time is None, leg.departure_time or time.min, leg.sequence)


def is_airside(inbound: Leg, outbound: Leg, membership: Membership) -> bool:
    """True when `inbound` ends in a connection to `outbound` that never enters the connecting country."""
    if not inbound.transit or inbound.arrival_country != outbound.departure_country:
        return False
    if outbound.departure_date > inbound.arrival_date + ONE_DAY:
        return False
    day = inbound.arrival_date
    if not membership.is_member(inbound.arrival_country, day):
        return True
    return not (
        membership.is_member(inbound.departure_country, day) or membership.is_member(outbound.arrival_country, day)
    )


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def _relevant(ordered: Sequence[Leg], first_day: date) -> Iterable[int]:
    """Indexes of the legs that may mark a day on or after first_day, cheaply: legs two or more places
    before the first departure on/after first_day end before it, unless they arrive on/after it."""
    start = max(0, bisect_left(ordered, first_day, key=lambda leg: leg.departure_date) - 1)
    early = [index for index in range(start) if ordered[index].arrival_date >= first_day]
    return [*early, *range(start, len(ordered))]


def ledger(
    legs: Iterable[Leg],
    *,
    until: date,
    membership: Membership = NO_MEMBERS,
    since: date | None = None,
    presorted: bool = False,
) -> Ledger:
    """Day -> countries present, for every day from the first departure (or `since`) up to `until`.

    `since` only skips work: the days it returns are exactly those of the full ledger from `since` on.
    `presorted` says the legs already come in `leg_order` (the selector sorts in the database)."""
    ordered: Sequence[Leg] = legs if presorted else sorted(legs, key=leg_order)
    first_day = since or date.min
    days: dict[date, set[str]] = {}

    def mark(country: str, first: date, last: date) -> None:
        for day in _days(max(first, first_day), min(last, until)):
            days.setdefault(day, set()).add(country)

    count = len(ordered)
    for index in _relevant(ordered, first_day):
        leg = ordered[index]
        after = ordered[index + 1] if index + 1 < count else None
        stay_end = after.departure_date if after is not None else until
        if max(leg.arrival_date, stay_end) < first_day or leg.departure_date > until:
            continue  # nothing of this leg falls inside since..until
        before = ordered[index - 1] if index else None
        from_transit = before is not None and is_airside(before, leg, membership)
        into_transit = after is not None and is_airside(leg, after, membership)
        inside_last = leg.arrival_date - ONE_DAY
        if not from_transit:
            mark(leg.departure_country, leg.departure_date, max(leg.departure_date, inside_last))
        if not into_transit:
            first = min(leg.departure_date + ONE_DAY, leg.arrival_date)
            mark(leg.arrival_country, first, inside_last)
            mark(leg.arrival_country, leg.arrival_date, max(leg.arrival_date, stay_end))
    return {day: frozenset(countries) for day, countries in days.items()}
