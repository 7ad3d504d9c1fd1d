from datetime import date

import pytest
from django.utils import timezone

from trackbase.core.testing import assert_problem, field_errors, travel
from trackbase.travel.models import TravelSegment
from trackbase.travel.tests.helpers import SEGMENTS, body, segment

pytestmark = pytest.mark.django_db


def test_it_creates_a_segment_with_iso_codes_in_and_out(owner_client):
    response = owner_client.post(SEGMENTS, body(dep="US", arr="DE", mode_of_transport="Flight"), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["departure_country"], data["arrival_country"]) == ("US", "DE")
    assert data["version"] == 1 and data["departure_time"] is None
    assert response["ETag"] == f'"{data["id"]}-1"'


def test_it_rejects_an_arrival_before_the_departure(owner_client):
    response = owner_client.post(SEGMENTS, body(on="2031-01-10", arrive="2031-01-09"), format="json")
    field_errors(response, "arrival_date")


def test_it_rejects_an_unknown_country(owner_client):
    field_errors(owner_client.post(SEGMENTS, body(arr="XX"), format="json"), "arrival_country")


def test_it_takes_country_codes_in_upper_case_only_as_documented(owner_client):
    field_errors(owner_client.post(SEGMENTS, body(dep="us"), format="json"), "departure_country")
    field_errors(owner_client.get(SEGMENTS, {"country": "fr"}), "country")


@pytest.mark.parametrize("day", ["1899-12-31", "2200-01-01", "20310110", "2031-1-10", "2031-01-10\n"])
def test_it_rejects_days_outside_1900_to_2199_or_not_spelled_yyyy_mm_dd(owner_client, day):
    field_errors(owner_client.post(SEGMENTS, body(on=day, arrive="2031-01-10"), format="json"), "departure_date")
    field_errors(owner_client.get(SEGMENTS, {"date_from": day}), "date_from")


@pytest.mark.parametrize("when", ["07:30Z", "07:30:00+02:00", "7:30", "24:00"])
def test_it_rejects_times_with_an_offset_or_out_of_the_day(owner_client, when):
    field_errors(owner_client.post(SEGMENTS, body(departure_time=when), format="json"), "departure_time")


def test_the_database_refuses_an_arrival_before_the_departure(owner):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        TravelSegment.objects.create(
            user=owner,
            departure_country_id="US",
            arrival_country_id="DE",
            departure_date=date(2031, 1, 2),
            arrival_date=date(2031, 1, 1),
        )


def test_the_list_is_mine_only_newest_first_and_filterable(owner, outsider, owner_client):
    segment(owner, "US", "DE", "2031-01-01")
    segment(owner, "DE", "FR", "2031-02-01")
    segment(owner, "FR", "US", "2031-03-01")
    segment(outsider, "US", "GB", "2031-02-15")
    page = owner_client.get(SEGMENTS).json()
    assert page["total"] == 3
    assert [r["departure_date"] for r in page["results"]] == ["2031-03-01", "2031-02-01", "2031-01-01"]
    ranged = owner_client.get(SEGMENTS, {"date_from": "2031-01-15", "date_to": "2031-02-15"}).json()
    assert [r["departure_date"] for r in ranged["results"]] == ["2031-02-01"]
    by_country = owner_client.get(SEGMENTS, {"country": "FR"}).json()
    assert by_country["total"] == 2


def test_an_outsider_sees_none_of_my_segments(owner, outsider_client):
    mine = segment(owner, "US", "DE", "2031-01-01")
    assert outsider_client.get(SEGMENTS).json()["total"] == 0
    url = f"{SEGMENTS}{mine.pk}/"
    assert_problem(outsider_client.get(url), 404, "SEGMENT_NOT_FOUND")
    assert_problem(outsider_client.put(url, body(), format="json"), 404, "SEGMENT_NOT_FOUND")
    assert_problem(outsider_client.patch(url, {"notes": "x"}, format="json"), 404, "SEGMENT_NOT_FOUND")
    assert_problem(outsider_client.delete(url), 404, "SEGMENT_NOT_FOUND")
    assert TravelSegment.objects.filter(pk=mine.pk, notes="").exists()


def test_anonymous_callers_are_refused(anon_client):
    assert_problem(anon_client.get(SEGMENTS), 401)
    assert_problem(anon_client.post(SEGMENTS, body(), format="json"), 401)


def test_an_update_bumps_the_version_and_a_stale_if_match_is_412(owner, owner_client):
    mine = segment(owner, "US", "DE", "2031-01-01")
    url = f"{SEGMENTS}{mine.pk}/"
    etag = owner_client.get(url)["ETag"]
    first = owner_client.patch(url, {"notes": "first"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = owner_client.patch(url, {"notes": "second"}, format="json", HTTP_IF_MATCH=etag)
    assert_problem(stale, 412, "PRECONDITION_FAILED")
    assert_problem(owner_client.delete(url, HTTP_IF_MATCH=etag), 412)
    # Without a precondition, the last write wins.
    last = owner_client.put(url, body(dep="US", arr="FR", on="2031-01-01"), format="json")
    assert last.json()["arrival_country"] == "FR" and last.json()["version"] == 3
    assert last.json()["notes"] == ""


def test_a_patch_cannot_move_the_arrival_before_the_departure(owner, owner_client):
    mine = segment(owner, "US", "DE", "2031-01-05")
    field_errors(
        owner_client.patch(f"{SEGMENTS}{mine.pk}/", {"arrival_date": "2031-01-04"}, format="json"), "arrival_date"
    )


def test_updated_since_returns_changes_and_tombstones(owner, owner_client, time_machine):
    kept = segment(owner, "US", "DE", "2031-01-01")
    gone = segment(owner, "DE", "US", "2031-01-20")
    travel(time_machine, minutes=5)
    since = timezone.now().isoformat()
    owner_client.patch(f"{SEGMENTS}{kept.pk}/", {"notes": "edited"}, format="json")
    owner_client.delete(f"{SEGMENTS}{gone.pk}/")
    page = owner_client.get(SEGMENTS, {"updated_since": since}).json()
    assert page["total"] == 2
    changed, tombstone = page["results"]
    assert changed["id"] == kept.pk and changed["notes"] == "edited"
    assert tombstone == {"id": gone.pk, "deleted": True, "updated_at": tombstone["updated_at"]}
    before = (date(2031, 1, 1)).isoformat() + "T00:00:00Z"
    assert owner_client.get(SEGMENTS, {"updated_since": before}).json()["total"] == 2


def test_an_outsider_never_sees_my_tombstones(owner, outsider_client):
    gone = segment(owner, "US", "DE", "2031-01-01")
    from trackbase.travel import services

    services.segment_delete(user=owner, segment_id=gone.pk)
    page = outsider_client.get(SEGMENTS, {"updated_since": "2031-01-01T00:00:00Z"}).json()
    assert page["total"] == 0


def test_segments_of_one_day_keep_their_local_times(owner_client):
    data = body(on="2031-01-01", departure_time="07:30", arrival_time="10:05", departure_timezone="America/New_York")
    created = owner_client.post(SEGMENTS, data, format="json").json()
    assert (created["departure_time"], created["arrival_time"]) == ("07:30:00", "10:05:00")
    assert created["departure_timezone"] == "America/New_York"


def test_bad_filters_are_400(owner_client):
    field_errors(owner_client.get(SEGMENTS, {"date_from": "yesterday"}), "date_from")
    field_errors(owner_client.get(SEGMENTS, {"updated_since": "nope"}), "updated_since")
    assert_problem(owner_client.get(SEGMENTS, {"limit": "0"}), 400)
    assert_problem(owner_client.get(f"{SEGMENTS}99999999999999999999/"), 404)


def test_a_retried_create_with_the_same_idempotency_key_makes_one_segment(owner, owner_client):
    first = owner_client.post(SEGMENTS, body(), format="json", HTTP_IDEMPOTENCY_KEY="seg-1")
    retry = owner_client.post(SEGMENTS, body(), format="json", HTTP_IDEMPOTENCY_KEY="seg-1")
    assert first.status_code == retry.status_code == 201
    assert first.json()["id"] == retry.json()["id"]
    assert TravelSegment.objects.filter(user=owner).count() == 1


def test_my_other_devices_hear_of_each_change_after_commit(
    owner, owner_client, monkeypatch, django_capture_on_commit_callbacks
):
    from trackbase.realtime import services as realtime

    heard = []
    monkeypatch.setattr(realtime, "emit_to_user", lambda user_id, event, data: heard.append((user_id, event, data)))
    with django_capture_on_commit_callbacks(execute=True):
        created = owner_client.post(SEGMENTS, body(), format="json").json()
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.delete(f"{SEGMENTS}{created['id']}/")
    assert [(user_id, event, data["change"]) for user_id, event, data in heard] == [
        (owner.pk, "travel.segments_changed", "created"),
        (owner.pk, "travel.segments_changed", "deleted"),
    ]
