from datetime import UTC, datetime

import pytest

from trackbase.accounts.tests.factories import UserFactory
from trackbase.core.testing import client_for
from trackbase.wellness.models import CheckIn, Group
from trackbase.wellness.tests.conftest import data_of, error_of

pytestmark = pytest.mark.django_db

WEDNESDAY = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def scores(group, **overrides):
    return {"groupId": group.pk, "productive": 5, "satisfied": 5, "body": 5, "care": 5, **overrides}


def submit(client, group, **overrides):
    return client.post("/api/v1/checkins", scores(group, **overrides), format="json")


@pytest.fixture(autouse=True)
def _wednesday(time_machine):
    time_machine.move_to(WEDNESDAY, tick=False)


def test_the_seed_example_scores_twelve(owner_client, group):
    data = data_of(submit(owner_client, group, productive=8, satisfied=7, body=6, care=9), 201)
    assert data["huCaresScore"] == 12
    assert data["weekStartDate"] == "2026-03-02"
    assert data["isPrivate"] is False and data["username"] == "owner"


def test_the_seed_example_second_check_in_in_a_week_is_a_conflict(owner_client, group):
    data_of(submit(owner_client, group), 201)
    error_of(submit(owner_client, group, productive=8, satisfied=8, body=8, care=8), 409, "DUPLICATE_CHECKIN")


@pytest.mark.parametrize("bad", [0, 11, -1, 5.5, "5", None, True])
def test_it_refuses_scores_outside_one_to_ten(owner_client, group, bad):
    error = error_of(submit(owner_client, group, care=bad), 400, "VALIDATION_ERROR")
    assert "care" in error["details"]


def test_outsiders_cannot_check_in_to_a_group(outsider_client, group):
    error_of(submit(outsider_client, group), 404, "GROUP_NOT_FOUND")


def test_the_week_is_the_groups_week(owner, owner_client, time_machine):
    tokyo = data_of(owner_client.post("/api/v1/groups", {"name": "T", "timezone": "Asia/Tokyo"}), 201)
    samoa = data_of(owner_client.post("/api/v1/groups", {"name": "S", "timezone": "Pacific/Pago_Pago"}), 201)
    # Sunday 20:00 UTC: Monday 05:00 in Tokyo (a new week), Sunday 09:00 in Pago Pago (the old one).
    time_machine.move_to(datetime(2026, 3, 8, 20, 0, tzinfo=UTC), tick=False)
    client = client_for(owner)
    assert data_of(submit(client, Group(pk=tokyo["id"])), 201)["weekStartDate"] == "2026-03-09"
    assert data_of(submit(client, Group(pk=samoa["id"])), 201)["weekStartDate"] == "2026-03-02"


def test_a_new_week_starts_at_local_midnight_across_dst(owner, owner_client, time_machine):
    berlin = Group(
        pk=data_of(owner_client.post("/api/v1/groups", {"name": "B", "timezone": "Europe/Berlin"}), 201)["id"]
    )
    # Sunday 29 March 2026 is the EU change to summer time: Monday 00:00 local is 22:00 UTC on Sunday.
    time_machine.move_to(datetime(2026, 3, 29, 21, 59, tzinfo=UTC), tick=False)
    client = client_for(owner)
    assert data_of(submit(client, berlin), 201)["weekStartDate"] == "2026-03-23"
    time_machine.move_to(datetime(2026, 3, 29, 22, 0, tzinfo=UTC), tick=False)
    assert data_of(submit(client, berlin), 201)["weekStartDate"] == "2026-03-30"


def test_current_returns_this_weeks_check_in_or_null(owner, owner_client, outsider_client, group, time_machine):
    assert data_of(owner_client.get(f"/api/v1/checkins/current?groupId={group.pk}")) is None
    created = data_of(submit(owner_client, group), 201)
    assert data_of(owner_client.get(f"/api/v1/checkins/current?groupId={group.pk}"))["id"] == created["id"]
    error_of(outsider_client.get(f"/api/v1/checkins/current?groupId={group.pk}"), 404)
    error_of(owner_client.get("/api/v1/checkins/current"), 400)
    time_machine.move_to(datetime(2026, 3, 9, 0, 0, tzinfo=UTC), tick=False)
    assert data_of(client_for(owner).get(f"/api/v1/checkins/current?groupId={group.pk}")) is None


def test_a_check_in_is_editable_during_its_week_only(owner, owner_client, group, time_machine):
    created = data_of(submit(owner_client, group), 201)
    url = f"/api/v1/checkins/{created['id']}"
    updated = data_of(owner_client.put(url, {"care": 1, "notes": "better"}, format="json"))
    assert updated["huCaresScore"] == 14 and updated["notes"] == "better"
    error_of(owner_client.put(url, {"care": 11}, format="json"), 400)
    time_machine.move_to(datetime(2026, 3, 9, 0, 0, 1, tzinfo=UTC), tick=False)
    error_of(client_for(owner).put(url, {"care": 2}, format="json"), 403, "CHECKIN_NOT_EDITABLE")


def test_only_the_author_changes_or_deletes_a_check_in(owner_client, member_client, outsider_client, group):
    created = data_of(submit(owner_client, group), 201)
    url = f"/api/v1/checkins/{created['id']}"
    for client in (member_client, outsider_client):
        error_of(client.put(url, {"care": 2}, format="json"), 404, "CHECKIN_NOT_FOUND")
        error_of(client.delete(url), 404, "CHECKIN_NOT_FOUND")
    assert owner_client.delete(url).status_code == 204
    assert not CheckIn.objects.exists()


def test_private_check_ins_are_visible_to_their_author_only(owner_client, member_client, outsider_client, group):
    data_of(submit(owner_client, group, isPrivate=True), 201)
    data_of(submit(member_client, group), 201)
    assert {c["username"] for c in data_of(owner_client.get(f"/api/v1/checkins/group/{group.pk}"))} == {
        "owner",
        "member",
    }
    assert [c["username"] for c in data_of(member_client.get(f"/api/v1/checkins/group/{group.pk}"))] == ["member"]
    error_of(outsider_client.get(f"/api/v1/checkins/group/{group.pk}"), 404, "GROUP_NOT_FOUND")


def test_mine_and_history_list_the_callers_check_ins(owner, outsider, group, time_machine):
    for day in (2, 9, 16):
        time_machine.move_to(datetime(2026, 3, day, 12, tzinfo=UTC), tick=False)
        data_of(submit(client_for(owner), group), 201)
    client = client_for(owner)
    mine = client.get("/api/v1/checkins?limit=2").json()
    assert [c["weekStartDate"] for c in mine["data"]] == ["2026-03-16", "2026-03-09"]
    assert mine["meta"]["pagination"] == {"page": 1, "limit": 2, "total": 3, "totalPages": 2}
    history = data_of(client.get("/api/v1/checkins/history?since=2026-03-05&until=2026-03-10"))
    assert [c["weekStartDate"] for c in history] == ["2026-03-09"]
    assert data_of(client.get(f"/api/v1/checkins?groupId={group.pk + 1}")) == []
    assert data_of(client_for(outsider).get("/api/v1/checkins")) == []
    assert data_of(client_for(outsider).get("/api/v1/checkins/history")) == []


def test_the_other_members_hear_of_a_check_in_after_commit(
    owner, owner_client, group, member, emitted, django_capture_on_commit_callbacks
):
    third = UserFactory()
    client_for(third).post("/api/v1/groups/join", {"accessCode": group.access_code}, format="json")
    emitted.clear()
    with django_capture_on_commit_callbacks(execute=True):
        created = data_of(submit(owner_client, group, productive=8, satisfied=7, body=6, care=9), 201)
    [(rooms, event, payload)] = emitted
    assert event == "friend-checked-in"
    assert sorted(rooms) == sorted([f"user:{member.pk}", f"user:{third.pk}"])  # never the author
    assert payload == {
        "userId": owner.pk,
        "username": "owner",
        "groupId": group.pk,
        "huCaresScore": 12,
        "timestamp": created["submittedAt"].replace("+00:00", "Z"),
    }


def test_a_private_or_refused_check_in_is_not_announced(
    owner_client, group, member, emitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        data_of(submit(owner_client, group, isPrivate=True), 201)
        error_of(submit(owner_client, group), 409)
    assert emitted == []
