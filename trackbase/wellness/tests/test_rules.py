from datetime import UTC, date, datetime

import pytest

from trackbase.wellness import rules


def test_the_seed_example_scores_twelve():
    assert rules.hu_cares_score(productive=8, satisfied=7, body=6, care=9) == 12


@pytest.mark.parametrize(
    ("moment", "tz", "monday"),
    [
        # Sunday 23:30 UTC is already Monday in Berlin: a new week there, the old one in UTC.
        (datetime(2026, 3, 8, 23, 30, tzinfo=UTC), "Europe/Berlin", date(2026, 3, 9)),
        (datetime(2026, 3, 8, 23, 30, tzinfo=UTC), "UTC", date(2026, 3, 2)),
        # Monday 03:00 UTC is still Sunday evening in New York.
        (datetime(2026, 3, 9, 3, 0, tzinfo=UTC), "America/New_York", date(2026, 3, 2)),
        # Around the US DST change (2026-03-08 02:00 local): the week still starts on Monday 2 March.
        (datetime(2026, 3, 8, 7, 30, tzinfo=UTC), "America/New_York", date(2026, 3, 2)),
        # The EU change (2026-03-29, a Sunday): Monday 00:00 local is 22:00 UTC on Sunday after the change.
        (datetime(2026, 3, 29, 22, 0, tzinfo=UTC), "Europe/Berlin", date(2026, 3, 30)),
        (datetime(2026, 3, 29, 21, 59, tzinfo=UTC), "Europe/Berlin", date(2026, 3, 23)),
        # Kiribati (UTC+14) and Pago Pago (UTC-11) on the same instant are in different weeks.
        (datetime(2026, 3, 1, 11, 0, tzinfo=UTC), "Pacific/Kiritimati", date(2026, 3, 2)),
        (datetime(2026, 3, 1, 11, 0, tzinfo=UTC), "Pacific/Pago_Pago", date(2026, 2, 23)),
    ],
)
def test_the_week_starts_on_the_local_monday(moment, tz, monday):
    assert rules.week_start(moment, tz) == monday


def test_access_codes_use_the_unambiguous_alphabet():
    codes = {rules.new_access_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == rules.ACCESS_CODE_LENGTH and set(code) <= set(rules.ACCESS_CODE_ALPHABET) for code in codes)
    assert not set("01OIL") & set(rules.ACCESS_CODE_ALPHABET)


def test_typed_access_codes_are_normalized():
    assert rules.normalize_access_code(" abcd-efgh ") == "ABCDEFGH"


@pytest.mark.parametrize("name", ["ab", "a" * 31, "has space", "dots.no", "émile", "", "Admin", "support"])
def test_it_refuses_bad_or_reserved_usernames(name):
    assert rules.username_problem(name)


@pytest.mark.parametrize("name", ["abc", "a" * 30, "Anna_B-2"])
def test_it_accepts_good_usernames(name):
    assert rules.username_problem(name) is None


def test_streaks_count_consecutive_weeks():
    weeks = [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19), date(2026, 2, 2), date(2026, 2, 9)]
    assert rules.streaks(weeks, current_week=date(2026, 2, 9)) == (2, 3)
    # Last week's run still counts while this week is open; two missed weeks end it.
    assert rules.streaks(weeks, current_week=date(2026, 2, 16)) == (2, 3)
    assert rules.streaks(weeks, current_week=date(2026, 2, 23)) == (0, 3)
    assert rules.streaks([], current_week=date(2026, 2, 23)) == (0, 0)


def test_reminders_fall_on_sunday_evening_and_biweekly_on_even_weeks():
    sunday_18 = datetime(2026, 3, 8, 18, 15)  # ISO week 10
    assert rules.reminder_due(sunday_18, frequency="weekly")
    assert rules.reminder_due(sunday_18, frequency="biweekly")
    assert not rules.reminder_due(datetime(2026, 3, 15, 18, 15), frequency="biweekly")  # week 11
    assert not rules.reminder_due(datetime(2026, 3, 8, 17, 59), frequency="weekly")


def test_daily_groups_are_reminded_every_evening():
    tuesday_18 = datetime(2026, 3, 10, 18, 5)
    assert rules.reminder_due(tuesday_18, frequency="daily")
    assert not rules.reminder_due(tuesday_18, frequency="weekly")
    assert not rules.reminder_due(datetime(2026, 3, 10, 12, 5), frequency="daily")
