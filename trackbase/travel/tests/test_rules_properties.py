"""Property tests: the fast rules agree, day by day, with the naive brute-force readings in brute.py.

TRAVEL_PROPERTY_SCALE multiplies the number of generated histories (default 0.1, so the suite stays
quick on shared CI cores; `TRAVEL_PROPERTY_SCALE=1` is the thorough run: 1,000 ledgers, 200 histories
checked on each of 501 days, 1,200 latest-exit/re-entry checks, 200 planned trips)."""

import os
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trackbase.travel.rules.presence import ledger, leg_order
from trackbase.travel.rules.schengen import plan_trip, schengen_days, schengen_status
from trackbase.travel.tests.brute import brute_latest_exit, brute_presence, brute_reentry, used_on
from trackbase.travel.tests.strategies import MEMBERSHIP, START, histories

SCALE = float(os.environ.get("TRAVEL_PROPERTY_SCALE", "0.1"))


def examples(count: int):
    return settings(
        max_examples=max(10, int(count * SCALE)),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


FAST = examples(1000)
SLOW = examples(200)
SPAN = 500


@FAST
@given(histories(), st.integers(0, SPAN))
def test_the_ledger_matches_the_day_by_day_reading(legs, until_offset):
    until = START + timedelta(days=until_offset)
    days = ledger(legs, until=until, membership=MEMBERSHIP)
    for offset in range(SPAN + 1):
        day = START + timedelta(days=offset)
        assert set(days.get(day, ())) == brute_presence(legs, day, MEMBERSHIP, until), day


@FAST
@given(histories(), st.integers(0, SPAN), st.integers(0, SPAN))
def test_a_ledger_from_a_day_on_is_the_full_ledger_from_that_day_on(legs, since_offset, until_offset):
    since, until = START + timedelta(days=since_offset), START + timedelta(days=until_offset)
    full = ledger(legs, until=until, membership=MEMBERSHIP)
    expected = {day: countries for day, countries in full.items() if day >= since}
    assert ledger(legs, until=until, membership=MEMBERSHIP, since=since) == expected
    ordered = sorted(legs, key=leg_order)
    assert ledger(ordered, until=until, membership=MEMBERSHIP, since=since, presorted=True) == expected


@SLOW
@given(histories())
def test_days_used_matches_a_direct_count_on_every_day(legs):
    until = START + timedelta(days=SPAN)
    days = schengen_days(ledger(legs, until=until, membership=MEMBERSHIP), MEMBERSHIP)
    for offset in range(SPAN + 1):
        day = START + timedelta(days=offset)
        status = schengen_status(days, day)
        assert status.days_used == used_on(days, day)
        assert status.compliant == (status.days_used <= 90)
        assert status.days_used + status.overstay_days - status.days_remaining in (90, status.days_used * 2 - 90)


@SLOW
@given(histories(), st.lists(st.integers(0, SPAN), min_size=1, max_size=6))
def test_latest_exit_and_reentry_match_a_day_by_day_simulation(legs, offsets):
    until = START + timedelta(days=SPAN)
    days = schengen_days(ledger(legs, until=until, membership=MEMBERSHIP), MEMBERSHIP)
    for offset in offsets:
        check = START + timedelta(days=offset)
        status = schengen_status(days, check)
        assert status.latest_exit_date == brute_latest_exit(days, check)
        assert status.earliest_reentry_date == brute_reentry(days, check)


@SLOW
@given(histories(), st.integers(0, SPAN), st.integers(0, 120))
def test_the_planner_flags_the_first_day_over_90(legs, entry_offset, length):
    until = START + timedelta(days=SPAN)
    days = schengen_days(ledger(legs, until=until, membership=MEMBERSHIP), MEMBERSHIP)
    entry = START + timedelta(days=entry_offset)
    exit_ = entry + timedelta(days=length)
    plan = plan_trip(days, entry, exit_)
    present = {d for d in days if d < entry}
    first_violation = None
    day = entry
    while day <= exit_:
        present.add(day)
        if used_on(present, day) > 90:
            first_violation = day
            break
        day += timedelta(days=1)
    assert plan.first_violation_date == first_violation
    assert plan.allowed == (first_violation is None)
    limit = brute_latest_exit(days - {d for d in days if d >= entry}, entry)
    assert plan.latest_exit_date == limit
