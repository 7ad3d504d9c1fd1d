"""The Schengen 90/180 rule, counted the way the European Commission's short-stay calculator counts it.

Regulation (EU) 2016/399, Art. 6(1): a stay may not exceed 90 days in any 180-day period, "which
entails considering the 180-day period preceding each day of stay". For a day D the window is
D-179..D (180 days, D included); every day present in a Schengen state counts, entry and exit days
included, and a day in two Schengen states counts once. 90 days is allowed; 91 is an overstay.

Inputs are a set of Schengen days (see `schengen_days`); nothing here knows about segments or Django.
"""

from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from trackbase.travel.rules.membership import Membership

MAX_DAYS = 90
PERIOD_DAYS = 180


@dataclass(frozen=True, slots=True)
class SchengenStatus:
    check_date: date
    days_used: int
    days_remaining: int
    window_start: date
    window_end: date
    compliant: bool
    overstay_days: int
    latest_exit_date: date | None
    earliest_reentry_date: date


@dataclass(frozen=True, slots=True)
class TripPlan:
    allowed: bool
    max_stay_days: int
    latest_exit_date: date | None
    first_violation_date: date | None


def schengen_days(ledger: Mapping[date, Iterable[str]], membership: Membership) -> set[date]:
    """The days on which the traveller was in a state that was a Schengen member on that day."""
    return {day for day, countries in ledger.items() if membership.any_member(countries, day)}


class _Days:
    """A sorted set of day ordinals with O(log n) counts over closed ranges."""

    def __init__(self, days: Iterable[date]):
        self.ordinals = sorted({day.toordinal() for day in days})

    def count(self, first: int, last: int) -> int:
        if last < first:
            return 0
        return bisect_right(self.ordinals, last) - bisect_left(self.ordinals, first)

    def __contains__(self, ordinal: int) -> bool:
        index = bisect_left(self.ordinals, ordinal)
        return index < len(self.ordinals) and self.ordinals[index] == ordinal


def _longest_stay(history: _Days, start: int, *, history_last: int) -> int:
    """How many consecutive days from `start` the traveller may be present, each day compliant, on top
    of the history days up to `history_last` (days after it are ignored)."""
    stay = 0
    while stay < MAX_DAYS:
        day = start + stay
        used = history.count(day - PERIOD_DAYS + 1, min(day, history_last)) + stay + 1
        if used > MAX_DAYS:
            break
        stay += 1
    return stay


def _earliest_full_stay(history: _Days, first_candidate: int, *, history_last: int) -> int:
    """The first day E >= first_candidate from which a full 90-day stay is compliant on every day.

    Day t of a stay from E is compliant when h(t) + (t - E + 1) <= 90, h(t) being the history days in
    t's window. So E works when max(h(t) + t for t in E..E+89) <= E + 89: a sliding-window maximum.
    Beyond first_candidate + 180 no history day is in any window, so the answer is always found.
    """
    horizon = first_candidate + PERIOD_DAYS + MAX_DAYS
    values = [
        history.count(t - PERIOD_DAYS + 1, history_last) + t
        for t in range(first_candidate, horizon + 1)  # t > history_last, so the window's end is history_last
    ]
    window: deque[int] = deque()  # indexes into `values`, their values decreasing
    for index, value in enumerate(values):
        while window and values[window[-1]] <= value:
            window.pop()
        window.append(index)
        start = index - MAX_DAYS + 1
        if start < 0:
            continue
        if window[0] < start:
            window.popleft()
        if values[window[0]] <= first_candidate + start + MAX_DAYS - 1:
            return first_candidate + start
    raise AssertionError("unreachable: a stay 180 days after the history is always compliant")


def schengen_status(days: Iterable[date], check_date: date) -> SchengenStatus:
    """The 90/180 status on `check_date` from the Schengen days (those after check_date are ignored)."""
    history = _Days(day for day in days if day <= check_date)
    today = check_date.toordinal()
    used = history.count(today - PERIOD_DAYS + 1, today)
    stay = _longest_stay(history, today, history_last=today - 1)
    first_candidate = today + 1 if today in history else today
    reentry = _earliest_full_stay(history, first_candidate, history_last=today)
    return SchengenStatus(
        check_date=check_date,
        days_used=used,
        days_remaining=max(0, MAX_DAYS - used),
        window_start=check_date - timedelta(days=PERIOD_DAYS - 1),
        window_end=check_date,
        compliant=used <= MAX_DAYS,
        overstay_days=max(0, used - MAX_DAYS),
        latest_exit_date=check_date + timedelta(days=stay - 1) if stay else None,
        earliest_reentry_date=date.fromordinal(reentry),
    )


def plan_trip(days: Iterable[date], entry_date: date, exit_date: date) -> TripPlan:
    """Is a stay entry_date..exit_date compliant on every day, on top of the Schengen days before entry?"""
    history = _Days(day for day in days if day < entry_date)
    entry = entry_date.toordinal()
    stay = _longest_stay(history, entry, history_last=entry - 1)
    length = exit_date.toordinal() - entry + 1
    violation = entry_date + timedelta(days=stay) if stay < length else None
    return TripPlan(
        allowed=violation is None,
        max_stay_days=stay,
        latest_exit_date=entry_date + timedelta(days=stay - 1) if stay else None,
        first_violation_date=violation,
    )
