"""Hypothesis strategies for travel histories: legs across Schengen and non-Schengen states, with gaps,
multi-day legs, same-day connections, transit marks, optional times and the odd inconsistent leg."""

from datetime import date, time, timedelta

from hypothesis import strategies as st

from trackbase.travel.rules.membership import Membership
from trackbase.travel.rules.presence import Leg

START = date(2023, 6, 1)
# DE, FR always members; HR joins 2023-01-01 (always, here), BG 2024-03-31 (inside the range); US, GB, IE never.
MEMBERSHIP = Membership.of(
    [
        ("DE", date(1995, 3, 26), None),
        ("FR", date(1995, 3, 26), None),
        ("HR", date(2023, 1, 1), None),
        ("BG", date(2024, 3, 31), None),
    ]
)
COUNTRIES = ["DE", "FR", "HR", "BG", "US", "GB", "IE"]

countries = st.sampled_from(COUNTRIES)
times = st.one_of(st.none(), st.builds(time, st.integers(0, 23), st.sampled_from([0, 30])))


@st.composite
def histories(draw, max_legs: int = 12) -> list[Leg]:
    legs = []
    day = START + timedelta(days=draw(st.integers(0, 60)))
    here = draw(countries)
    for sequence in range(draw(st.integers(0, max_legs))):
        day += timedelta(days=draw(st.sampled_from([0, 0, 1, 2, 5, 20, 40, 90])))
        duration = draw(st.sampled_from([0, 0, 0, 1, 3]))
        there = draw(countries)
        if draw(st.integers(0, 9)) == 0:  # an inconsistent record: leaves from somewhere else
            here = draw(countries)
        legs.append(
            Leg(
                departure_country=here,
                arrival_country=there,
                departure_date=day,
                arrival_date=day + timedelta(days=duration),
                departure_time=draw(times),
                sequence=sequence,
                transit=draw(st.integers(0, 3)) == 0,
            )
        )
        day += timedelta(days=duration)
        here = there
    return draw(st.permutations(legs))
