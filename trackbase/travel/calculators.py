"""The registry VisaRule.calculation_logic_ref points into: one calculator per rule, each a thin adapter
from a user's legs to a pure rule's answer (a JSON-ready dict with at least days_used and the window).

Legs come from `selectors.user_legs`, already in presence order, so the ledger does not sort them again.
Each calculator also says the first day its answer reads (`first_day`): the legs loaded are only those a
ledger from that day on needs, not the whole history."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from trackbase.travel.reference_data import RESIDENCY_RULE, SCHENGEN_RULE
from trackbase.travel.rules import residency, schengen
from trackbase.travel.rules.membership import Membership
from trackbase.travel.rules.presence import Leg, ledger


@dataclass(frozen=True)
class RuleResult:
    days_used: int
    window_start: date
    window_end: date
    details: dict


@dataclass(frozen=True)
class Calculator:
    calculate: Callable[[list[Leg], Membership, date], RuleResult]
    first_day: Callable[[date], date]  # check date -> the first day of presence the answer reads

    def __call__(self, legs: list[Leg], membership: Membership, check_date: date) -> RuleResult:
        return self.calculate(legs, membership, check_date)


CALCULATORS: dict[str, Calculator] = {}


def register(ref: str, *, first_day: Callable[[date], date]):
    def decorate(function) -> Calculator:
        CALCULATORS[ref] = calculator = Calculator(function, first_day)
        return calculator

    return decorate


def schengen_window_start(until: date) -> date:
    """Every Schengen answer on `until` (or a stay from it) looks back 179 days at most."""
    return until - timedelta(days=schengen.PERIOD_DAYS - 1)


def year_start(check_date: date) -> date:
    return date(check_date.year, 1, 1)


def schengen_days(legs: list[Leg], membership: Membership, until: date) -> set[date]:
    """The Schengen days that can matter on `until` and after."""
    since = schengen_window_start(until)
    return schengen.schengen_days(
        ledger(legs, until=until, membership=membership, since=since, presorted=True), membership
    )


@register(SCHENGEN_RULE, first_day=schengen_window_start)
def schengen_90_180(legs: list[Leg], membership: Membership, check_date: date) -> RuleResult:
    status = schengen.schengen_status(schengen_days(legs, membership, check_date), check_date)
    details = {
        "days_used": status.days_used,
        "days_remaining": status.days_remaining,
        "window_start": status.window_start.isoformat(),
        "window_end": status.window_end.isoformat(),
        "compliant": status.compliant,
        "overstay_days": status.overstay_days,
        "latest_exit_date": status.latest_exit_date and status.latest_exit_date.isoformat(),
        "earliest_reentry_date": status.earliest_reentry_date.isoformat(),
    }
    return RuleResult(status.days_used, status.window_start, status.window_end, details)


@register(RESIDENCY_RULE, first_day=year_start)
def calendar_year_183(legs: list[Leg], membership: Membership, check_date: date) -> RuleResult:
    start = year_start(check_date)
    days = ledger(legs, until=check_date, membership=membership, since=start, presorted=True)
    rows = residency.calendar_year_status(days, check_date)
    details = {
        "countries": [
            {"iso_code": r.iso_code, "days": r.days, "days_remaining": r.days_remaining, "reached": r.reached}
            for r in rows
        ]
    }
    return RuleResult(max((r.days for r in rows), default=0), start, check_date, details)


def plan_first_day(entry_date: date) -> date:
    return schengen_window_start(entry_date - timedelta(days=1))


def plan(legs: list[Leg], membership: Membership, entry_date: date, exit_date: date) -> schengen.TripPlan:
    days = schengen_days(legs, membership, entry_date - timedelta(days=1))
    return schengen.plan_trip(days, entry_date, exit_date)
