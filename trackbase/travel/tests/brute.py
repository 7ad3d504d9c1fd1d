"""Independent, deliberately naive re-statements of the rules, day by day, for the property tests."""

from datetime import date, time, timedelta

ONE = timedelta(days=1)


def brute_presence(legs, day: date, membership, until: date) -> set[str]:
    """The countries of one day, asking every leg in turn whether it puts the traveller there."""
    if day > until:
        return set()
    ordered = sorted(
        legs, key=lambda g: (g.departure_date, 0 if g.departure_time else 1, g.departure_time or time(0), g.sequence)
    )
    found = set()
    for i, leg in enumerate(ordered):
        nxt = ordered[i + 1] if i + 1 < len(ordered) else None
        prev = ordered[i - 1] if i > 0 else None
        # Airside connection: the connecting country is neither entered nor counted.
        in_air_before = prev is not None and _airside(prev, leg, membership)
        in_air_after = nxt is not None and _airside(leg, nxt, membership)
        on_the_way = leg.departure_date < day < leg.arrival_date
        if not in_air_before and (day == leg.departure_date or on_the_way):
            found.add(leg.departure_country)
        if not in_air_after:
            stay_until = nxt.departure_date if nxt is not None else until
            if on_the_way or leg.arrival_date <= day <= max(stay_until, leg.arrival_date):
                found.add(leg.arrival_country)
    return found


def _airside(inbound, outbound, membership) -> bool:
    if not inbound.transit or inbound.arrival_country != outbound.departure_country:
        return False
    if (outbound.departure_date - inbound.arrival_date).days > 1:
        return False
    d = inbound.arrival_date
    hub = membership.is_member(inbound.arrival_country, d)
    ends = membership.is_member(inbound.departure_country, d) or membership.is_member(outbound.arrival_country, d)
    return not (hub and ends)


def used_on(days: set[date], day: date) -> int:
    return sum(1 for back in range(180) if day - timedelta(days=back) in days)


def brute_latest_exit(days: set[date], check: date):
    """Stay from `check` day after day while every day so far is within 90."""
    present = {d for d in days if d < check}
    last = None
    day = check
    while True:
        present.add(day)
        if used_on(present, day) > 90:
            return last
        last = day
        day += ONE


def brute_reentry(days: set[date], check: date) -> date:
    history = {d for d in days if d <= check}
    entry = check + ONE if check in history else check
    while True:
        trip = {entry + timedelta(days=k) for k in range(90)}
        if all(used_on(history | trip, d) <= 90 for d in sorted(trip)):
            return entry
        entry += ONE
