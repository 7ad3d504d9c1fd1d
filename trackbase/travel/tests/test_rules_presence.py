"""The presence reading on small, named cases (the property tests cover the rest)."""

from datetime import date

from trackbase.travel.rules.membership import Membership
from trackbase.travel.rules.presence import Leg, ledger
from trackbase.travel.rules.schengen import schengen_days

MEMBERS = Membership.of([("DE", date(1995, 3, 26), None), ("FR", date(1995, 3, 26), None)])
D1, D2, D3 = date(2031, 5, 1), date(2031, 5, 2), date(2031, 5, 3)


def days(*legs, until=D3):
    return {day: sorted(countries) for day, countries in ledger(legs, until=until, membership=MEMBERS).items()}


def test_a_travel_day_counts_in_both_countries_and_the_stay_runs_to_the_next_departure():
    assert days(Leg("US", "DE", D1, D1), Leg("DE", "FR", D3, D3)) == {
        D1: ["DE", "US"],
        D2: ["DE"],
        D3: ["DE", "FR"],
    }


def test_nothing_is_known_before_the_first_segment():
    assert min(days(Leg("US", "DE", D2, D2))) == D2


def test_an_overnight_flight_counts_its_departure_day_at_home_and_its_arrival_day_abroad():
    assert days(Leg("US", "DE", D1, D2), until=D2) == {D1: ["US"], D2: ["DE"]}


def test_an_airside_connection_between_two_non_schengen_countries_is_no_schengen_day():
    legs = [Leg("US", "DE", D1, D2, sequence=1, transit=True), Leg("DE", "GB", D2, D2, sequence=2)]
    assert days(*legs) == {D1: ["US"], D2: ["GB"], D3: ["GB"]}
    assert schengen_days(ledger(legs, until=D3, membership=MEMBERS), MEMBERS) == set()


def test_a_connection_into_the_schengen_area_counts_the_connecting_country():
    # US -> FRA -> Paris: the border check is at Frankfurt, so the day there is a Schengen day.
    legs = [Leg("US", "DE", D1, D2, sequence=1, transit=True), Leg("DE", "FR", D2, D2, sequence=2)]
    assert days(*legs)[D2] == ["DE", "FR"]


def test_a_transit_mark_without_a_connection_is_an_ordinary_arrival():
    legs = [Leg("US", "DE", D1, D1, sequence=1, transit=True), Leg("DE", "GB", D3, D3, sequence=2)]
    assert days(*legs)[D2] == ["DE"]


def test_segments_of_one_day_are_ordered_by_time_then_creation():
    from datetime import time

    # Created in the wrong order; by time: US -> DE at 07:00, DE -> FR at 15:00. The stay after is France.
    legs = [Leg("DE", "FR", D1, D1, departure_time=time(15), sequence=1), Leg("US", "DE", D1, D1, time(7), 2)]
    assert days(*legs, until=D2) == {D1: ["DE", "FR", "US"], D2: ["FR"]}
