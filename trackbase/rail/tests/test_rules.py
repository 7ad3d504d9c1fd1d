"""The pure rail rules: plain functions, no database."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from trackbase.rail import rules

DEPARTS = datetime(2031, 3, 15, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("name", ["DEL", "del", " Del ", "\tdel\n"])
def test_it_keys_a_station_case_and_space_insensitively(name):
    assert rules.station_key(name) == "DEL"


def test_it_collapses_inner_spaces_in_a_station_key():
    assert rules.station_key("  new   delhi ") == "NEW DELHI"


def test_it_accepts_a_valid_schedule():
    assert (
        rules.schedule_errors(
            source="NDLS", destination="BCT", departure=DEPARTS, arrival=DEPARTS + timedelta(minutes=1)
        )
        == {}
    )


@pytest.mark.parametrize("arrival", [DEPARTS, DEPARTS - timedelta(hours=2)])
def test_it_rejects_an_arrival_not_after_departure(arrival):
    errors = rules.schedule_errors(source="NDLS", destination="BCT", departure=DEPARTS, arrival=arrival)

    assert list(errors) == ["arrival_time"]


def test_it_rejects_a_route_to_the_same_station_in_another_spelling():
    errors = rules.schedule_errors(
        source="ndls", destination=" NDLS ", departure=DEPARTS, arrival=DEPARTS + timedelta(hours=1)
    )

    assert list(errors) == ["destination"]


def test_it_reports_every_schedule_error_at_once():
    errors = rules.schedule_errors(source="BCT", destination="bct", departure=DEPARTS, arrival=DEPARTS)

    assert set(errors) == {"destination", "arrival_time"}


@pytest.mark.parametrize(("total", "available"), [(10, 0), (10, 10), (1, 1)])
def test_it_accepts_available_seats_within_the_total(total, available):
    assert rules.seat_errors(total_seats=total, available_seats=available) == {}


@pytest.mark.parametrize(("total", "available"), [(10, 11), (10, -1), (0, 1)])
def test_it_rejects_available_seats_outside_the_total(total, available):
    assert list(rules.seat_errors(total_seats=total, available_seats=available)) == ["available_seats"]


@pytest.mark.parametrize(
    ("kind", "delay", "platform", "changes"),
    [
        ("DELAY", 25, "", {"status": "DELAYED", "delay_minutes": 25}),
        ("DELAY", rules.MAX_DELAY_MINUTES, "", {"status": "DELAYED", "delay_minutes": rules.MAX_DELAY_MINUTES}),
        ("PLATFORM_CHANGE", None, "7A", {"platform": "7A"}),
        ("CANCELLED", None, "", {"status": "CANCELLED"}),
        ("ON_TIME", None, "", {"status": "ON_TIME", "delay_minutes": 0}),
    ],
)
def test_it_says_what_an_event_changes(kind, delay, platform, changes):
    assert rules.event_changes(type=kind, delay_minutes=delay, platform=platform) == changes


@pytest.mark.parametrize(
    ("kind", "delay", "platform", "field"),
    [
        ("DELAY", None, "", "delay_minutes"),
        ("DELAY", 0, "", "delay_minutes"),
        ("DELAY", -5, "", "delay_minutes"),
        ("DELAY", rules.MAX_DELAY_MINUTES + 1, "", "delay_minutes"),
        ("PLATFORM_CHANGE", None, "", "platform"),
        ("DERAILED", None, "", "type"),
    ],
)
def test_it_names_the_missing_detail_of_an_event(kind, delay, platform, field):
    with pytest.raises(ValueError, match=rf"^{field}: "):
        rules.event_changes(type=kind, delay_minutes=delay, platform=platform)


@pytest.mark.parametrize(
    ("kind", "title", "message"),
    [
        ("DELAY", "12951 delayed by 40 min", "12951 Mumbai Rajdhani is running 40 minutes late."),
        ("PLATFORM_CHANGE", "12951 now at platform 3", "12951 Mumbai Rajdhani now departs from platform 3."),
        ("CANCELLED", "12951 cancelled", "12951 Mumbai Rajdhani has been cancelled."),
        ("ON_TIME", "12951 on time", "12951 Mumbai Rajdhani is running on time."),
    ],
)
def test_it_words_the_notification_of_an_event_with_its_facts(kind, title, message):
    text = rules.event_text(
        type=kind, train_number="12951", train_name="Mumbai Rajdhani", delay_minutes=40, platform="3"
    )

    assert text == (title, message)


@pytest.mark.parametrize(
    ("minutes", "title", "late"),
    [
        (1, "delayed by 1 min", "running 1 minute late"),
        (60, "delayed by 1 h", "running 1 hour late"),
        (95, "delayed by 1 h 35 min", "running 1 hour 35 minutes late"),
        (rules.MAX_DELAY_MINUTES, "delayed by 48 h", "running 48 hours late"),
    ],
)
def test_it_words_a_delay_in_hours_and_minutes(minutes, title, late):
    subject, message = rules.event_text(
        type="DELAY", train_number="12951", train_name="Mumbai Rajdhani", delay_minutes=minutes, platform=""
    )

    assert subject == f"12951 {title}"
    assert message == f"12951 Mumbai Rajdhani is {late}."


def test_it_adds_the_admins_words_after_the_facts():
    _, message = rules.event_text(
        type="PLATFORM_CHANGE",
        train_number="12951",
        train_name="Mumbai Rajdhani",
        delay_minutes=None,
        platform="7A",
        note="Board from the north end.",
    )

    assert message == "12951 Mumbai Rajdhani now departs from platform 7A. Board from the north end."


def test_it_draws_ten_digit_pnrs():
    pnrs = {rules.new_pnr() for _ in range(200)}

    assert all(re.fullmatch(r"[0-9]{10}", pnr) for pnr in pnrs)
    assert len(pnrs) > 190
