"""The legs the database returns for a window give exactly the ledger of the whole history there."""

import random
from datetime import date, time, timedelta

import pytest

from trackbase.travel import selectors
from trackbase.travel.models import TravelSegment
from trackbase.travel.rules.presence import ledger
from trackbase.travel.tests.strategies import COUNTRIES, MEMBERSHIP

pytestmark = pytest.mark.django_db
START = date(2030, 1, 1)


def store_history(user, rng: random.Random, legs: int) -> None:
    """Short and long legs, same-day legs with and without times, transit marks, the odd inconsistent leg
    and the odd leg entered out of order (a long trip overlapping others)."""
    rows, day, here = [], START, rng.choice(COUNTRIES)
    for _ in range(legs):
        day += timedelta(days=rng.choice([0, 0, 1, 3, 20, 60]))
        length = rng.choice([0, 0, 0, 1, 4, 200])
        there = rng.choice(COUNTRIES)
        if rng.random() < 0.1:
            here = rng.choice(COUNTRIES)
        departs = day - timedelta(days=rng.choice([0, 0, 0, 0, 30]))
        rows.append(
            TravelSegment(
                user=user,
                departure_country_id=here,
                arrival_country_id=there,
                departure_date=departs,
                arrival_date=day + timedelta(days=length),
                departure_time=rng.choice([None, time(7, 30), time(18)]),
                transit=rng.random() < 0.3,
            )
        )
        day += timedelta(days=length)
        here = there
    TravelSegment.objects.bulk_create(rows)


@pytest.mark.parametrize("seed", range(12))
def test_the_legs_since_a_day_give_the_whole_historys_ledger_from_that_day(owner, seed):
    rng = random.Random(seed)
    store_history(owner, rng, legs=rng.choice([1, 3, 40]))
    everything = selectors.user_legs(user=owner)
    last = max(leg.arrival_date for leg in everything) + timedelta(days=30)
    for _ in range(15):
        since = START + timedelta(days=rng.randrange(-10, (last - START).days))
        until = since + timedelta(days=rng.choice([0, 179, 400]))
        window = selectors.user_legs(user=owner, since=since)
        full = ledger(everything, until=until, membership=MEMBERSHIP, presorted=True)
        expected = {day: countries for day, countries in full.items() if day >= since}
        assert ledger(window, until=until, membership=MEMBERSHIP, since=since, presorted=True) == expected
        assert len(window) <= len(everything)


def test_a_long_history_is_not_read_in_full(owner):
    store_history(owner, random.Random(1), legs=300)
    since = max(leg.departure_date for leg in selectors.user_legs(user=owner)) - timedelta(days=179)
    assert len(selectors.user_legs(user=owner, since=since)) < len(selectors.user_legs(user=owner)) / 2
