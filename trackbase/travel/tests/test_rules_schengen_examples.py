"""The worked examples of the Commission's short-stay calculator user guide, as published by the Swiss
State Secretariat for Migration (sem.admin.ch, "Aufenthaltsrechner", examples 1, 2, 4, 5 and 6).
Stays are entry..exit stamps, both days counted."""

from datetime import date, timedelta

from trackbase.travel.rules.schengen import plan_trip, schengen_status


def stays(*periods: tuple[date, date]) -> set[date]:
    days = set()
    for first, last in periods:
        days |= {first + timedelta(days=n) for n in range((last - first).days + 1)}
    return days


def test_example_1_a_47_day_stay_leaves_a_full_90_days_for_a_return_on_1_january():
    # 47 days used by the departure on 30.09.2014; the stamp shown in the guide is an entry on 15.08.2014.
    history = stays((date(2014, 8, 15), date(2014, 9, 30)))
    assert schengen_status(history, date(2014, 9, 30)).days_used == 47
    plan = plan_trip(history, date(2015, 1, 1), date(2015, 3, 31))
    assert plan.allowed and plan.max_stay_days == 90


def test_example_2_two_legal_stays_allow_a_stay_until_13_december():
    history = stays((date(2014, 8, 15), date(2014, 9, 30)), (date(2014, 11, 1), date(2014, 11, 30)))
    status = schengen_status(history, date(2014, 11, 30))
    assert (status.days_used, status.compliant, status.overstay_days) == (77, True, 0)
    assert status.latest_exit_date == date(2014, 12, 13)


def test_example_4_a_stay_outside_the_reference_period_is_not_counted():
    history = stays(
        (date(2013, 6, 1), date(2013, 7, 13)),
        (date(2013, 8, 15), date(2013, 9, 30)),
        (date(2014, 1, 1), date(2014, 1, 30)),
    )
    status = schengen_status(history, date(2014, 1, 30))
    assert (status.days_used, status.compliant) == (77, True)
    assert status.latest_exit_date == date(2014, 3, 31)


def test_example_5_a_short_overstay_of_9_days_then_a_50_day_stay_from_30_august():
    history = stays(
        (date(2013, 9, 1), date(2013, 9, 30)),
        (date(2014, 2, 21), date(2014, 4, 20)),
        (date(2014, 5, 1), date(2014, 6, 9)),
    )
    status = schengen_status(history, date(2014, 6, 9))
    assert (status.days_used, status.compliant, status.overstay_days) == (99, False, 9)
    assert status.latest_exit_date is None
    plan = plan_trip(history, date(2014, 8, 30), date(2014, 12, 31))
    assert (plan.allowed, plan.max_stay_days) == (False, 50)
    assert plan.latest_exit_date == date(2014, 10, 18)
    assert plan.first_violation_date == date(2014, 10, 19)


def test_example_6_a_long_overstay_of_74_days_in_the_period_3_september_to_1_march():
    history = stays((date(2013, 8, 9), date(2013, 8, 15)), (date(2013, 9, 19), date(2014, 3, 1)))
    status = schengen_status(history, date(2014, 3, 1))
    assert status.window_start == date(2013, 9, 3)
    assert (status.days_used, status.overstay_days) == (164, 74)


def test_90_days_is_allowed_and_the_91st_is_an_overstay():
    history = stays((date(2025, 1, 1), date(2025, 4, 1)))  # 91 days
    assert schengen_status(history, date(2025, 3, 31)).compliant
    assert schengen_status(history, date(2025, 3, 31)).days_used == 90
    day_91 = schengen_status(history, date(2025, 4, 1))
    assert (day_91.compliant, day_91.overstay_days) == (False, 1)


def test_after_a_full_90_day_stay_the_earliest_reentry_is_180_days_after_its_start():
    history = stays((date(2025, 1, 1), date(2025, 3, 31)))
    status = schengen_status(history, date(2025, 3, 31))
    assert status.latest_exit_date == date(2025, 3, 31)
    assert status.earliest_reentry_date == date(2025, 6, 30)
    assert status.days_remaining == 0


def test_someone_with_no_history_may_stay_90_days_and_reenter_at_once():
    status = schengen_status(set(), date(2025, 5, 5))
    assert status.days_used == 0 and status.days_remaining == 90
    assert status.latest_exit_date == date(2025, 5, 5) + timedelta(days=89)
    assert status.earliest_reentry_date == date(2025, 5, 5)
