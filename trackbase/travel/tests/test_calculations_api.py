import pytest

from trackbase.core.testing import assert_problem, field_errors
from trackbase.travel.models import UserVisaStatus
from trackbase.travel.tests.helpers import SEGMENTS, body, segment

pytestmark = pytest.mark.django_db
SCHENGEN = "/api/calculations/schengen/"
PLAN = "/api/calculations/schengen/plan/"


@pytest.fixture
def trip(owner):
    """Owner flew US -> DE on 2031-01-01 and back on 2031-01-30: 30 Schengen days. Today is 2031-03-14."""
    segment(owner, "US", "DE", "2031-01-01")
    segment(owner, "DE", "US", "2031-01-30")


def test_the_schengen_status_counts_entry_and_exit_days(trip, owner_client):
    response = owner_client.get(SCHENGEN)
    assert response.status_code == 200
    data = response.json()
    assert data["days_used"] == 30 and data["days_remaining"] == 60
    assert (data["window_start"], data["window_end"]) == ("2030-09-16", "2031-03-14")
    assert data["compliant"] is True and data["overstay_days"] == 0
    # A full 90-day stay from 1 May reaches 90 on 29 June, when 1 January starts leaving the window.
    assert data["earliest_reentry_date"] == "2031-05-01"
    assert data["last_calculated_at"]


def test_the_status_on_another_day(trip, owner_client):
    data = owner_client.get(SCHENGEN, {"date": "2031-01-15"}).json()
    assert data["days_used"] == 15
    assert data["latest_exit_date"] == "2031-03-31"  # 15 used + 75 more from the 15th


def test_an_outsider_has_their_own_empty_status(trip, outsider_client):
    data = outsider_client.get(SCHENGEN).json()
    assert data["days_used"] == 0
    assert outsider_client.get("/api/calculations/countries/").json()["countries"] == []
    assert outsider_client.get("/api/calculations/days/").json()["days"] == []
    assert outsider_client.post(PLAN, {"entry_date": "2031-04-01", "exit_date": "2031-06-29"}).json()["allowed"]


@pytest.mark.parametrize(
    "url", [SCHENGEN, "/api/calculations/countries/", "/api/calculations/days/", "/api/calculations/status/"]
)
def test_anonymous_callers_are_refused(anon_client, url):
    assert_problem(anon_client.get(url), 401)


def test_the_cache_is_used_and_dropped_when_a_segment_changes(trip, owner, owner_client):
    owner_client.get(SCHENGEN)
    assert UserVisaStatus.objects.filter(user=owner).count() == 1
    owner_client.post(SEGMENTS, body(dep="US", arr="FR", on="2031-03-10"), format="json")
    assert UserVisaStatus.objects.filter(user=owner).count() == 0
    assert owner_client.get(SCHENGEN).json()["days_used"] == 35  # 10..14 March in France


def test_the_planner_answers_for_a_trip_on_top_of_the_history(trip, owner_client):
    ok = owner_client.post(PLAN, {"entry_date": "2031-04-01", "exit_date": "2031-05-30"}, format="json").json()
    assert ok == {"allowed": True, "max_stay_days": 60, "latest_exit_date": "2031-05-30", "first_violation_date": None}
    too_long = owner_client.post(PLAN, {"entry_date": "2031-04-01", "exit_date": "2031-06-30"}, format="json").json()
    assert too_long["allowed"] is False and too_long["first_violation_date"] == "2031-05-31"


def test_the_planner_rejects_an_exit_before_the_entry(owner_client):
    field_errors(
        owner_client.post(PLAN, {"entry_date": "2031-04-01", "exit_date": "2031-03-01"}, format="json"), "exit_date"
    )


def test_days_per_country_and_the_ledger(trip, owner_client):
    report = owner_client.get("/api/calculations/countries/", {"from": "2031-01-01", "to": "2031-01-31"}).json()
    assert report["from"] == "2031-01-01"
    assert {row["iso_code"]: row["days"] for row in report["countries"]} == {"DE": 30, "US": 3}
    days = owner_client.get("/api/calculations/days/", {"from": "2030-12-31", "to": "2031-01-02"}).json()["days"]
    assert days == [
        {"date": "2031-01-01", "countries": ["DE", "US"], "schengen": True},
        {"date": "2031-01-02", "countries": ["DE"], "schengen": True},
    ]
    field_errors(owner_client.get("/api/calculations/days/", {"from": "2031-02-01", "to": "2031-01-01"}), "from")


@pytest.mark.parametrize("report", ["countries", "days"])
@pytest.mark.parametrize(("query", "field"), [("to=", "to"), ("from=", "from"), ("from=2200-01-01", "from")])
def test_a_report_rejects_an_empty_or_out_of_range_day(owner_client, report, query, field):
    field_errors(owner_client.get(f"/api/calculations/{report}/?{query}"), field)


def test_the_rules_and_my_status_under_each(trip, owner_client, anon_client):
    rules = anon_client.get("/api/calculations/rules/").json()
    assert [r["calculation_logic_ref"] for r in rules] == ["schengen_90_180", "calendar_year_183"]
    status = owner_client.get("/api/calculations/status/").json()
    assert [s["days_used"] for s in status] == [30, 45]  # US: 1 January, then 30 January to 14 March
    assert status[1]["details"]["countries"][0] == {
        "iso_code": "US",
        "days": 45,
        "days_remaining": 138,
        "reached": False,
    }


def test_the_croatia_days_before_2023_are_not_schengen_days(owner, owner_client):
    segment(owner, "US", "HR", "2022-12-01")
    segment(owner, "HR", "US", "2023-01-10")
    data = owner_client.get(SCHENGEN, {"date": "2023-01-10"}).json()
    assert data["days_used"] == 10


def test_the_database_returns_legs_in_the_presence_order(owner):
    from datetime import date, time

    from trackbase.travel.rules.presence import leg_order
    from trackbase.travel.selectors import user_legs

    day = date(2031, 1, 5)
    segment(owner, "US", "DE", day)  # untimed, created first
    segment(owner, "DE", "FR", day, departure_time=time(18, 0))
    segment(owner, "FR", "IT", day, departure_time=time(7, 30))
    segment(owner, "IT", "ES", day)  # untimed, created last
    segment(owner, "ES", "PT", date(2031, 1, 4))
    legs = user_legs(user=owner)
    assert legs == sorted(legs, key=leg_order)
    assert [leg.arrival_country for leg in legs] == ["PT", "IT", "FR", "DE", "ES"]


def test_an_outsider_sees_the_rules_and_only_their_own_status(trip, outsider_client):
    assert len(outsider_client.get("/api/calculations/rules/").json()) == 2
    status = outsider_client.get("/api/calculations/status/").json()
    assert [s["days_used"] for s in status] == [0, 0]
    assert status[1]["details"] == {"countries": []}
