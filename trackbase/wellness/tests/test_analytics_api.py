from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from trackbase.accounts.tests.factories import UserFactory
from trackbase.core.testing import client_for
from trackbase.wellness import analytics_cache, rules
from trackbase.wellness.models import CheckIn, Membership
from trackbase.wellness.tests.conftest import data_of, error_of

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
THIS_WEEK = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def checkin(user, group, weeks_ago, *, p=5, s=5, b=5, c=5, private=False):
    return CheckIn.objects.create(
        user=user,
        group=group,
        week_start_date=THIS_WEEK - timedelta(weeks=weeks_ago),
        productive=p,
        satisfied=s,
        body=b,
        care=c,
        hu_cares_score=rules.hu_cares_score(productive=p, satisfied=s, body=b, care=c),
        is_private=private,
        submitted_at=NOW,
    )


def test_personal_trends_average_by_week_and_count_streaks(owner, owner_client, group):
    for weeks_ago in (0, 1, 2, 5):
        checkin(owner, group, weeks_ago, p=8 - weeks_ago)
    data = data_of(owner_client.get("/api/v1/analytics/personal?weeks=4"))
    assert [row["weekStartDate"] for row in data["series"]] == ["2026-02-16", "2026-02-23", "2026-03-02"]
    assert [row["productive"] for row in data["series"]] == [6, 7, 8]
    assert data["averages"]["productive"] == 7 and data["averages"]["checkIns"] == 3
    assert data["averages"]["huCaresScore"] == 12
    assert data["streak"] == {"current": 3, "best": 3}


def test_personal_trends_count_the_users_own_private_check_ins(owner, owner_client, group):
    checkin(owner, group, 0, private=True)
    assert data_of(owner_client.get("/api/v1/analytics/personal"))["averages"]["checkIns"] == 1


def test_it_bounds_the_range(owner_client):
    error_of(owner_client.get("/api/v1/analytics/personal?weeks=0"), 400)
    error_of(owner_client.get("/api/v1/analytics/personal?weeks=500"), 400)


def test_group_analytics_show_participation_and_hide_private_check_ins(owner, member, member_client, group):
    Membership.objects.filter(group=group).update(joined_at=NOW - timedelta(weeks=10))
    checkin(owner, group, 0, p=9)
    checkin(member, group, 0, p=3, private=True)
    checkin(member, group, 1, p=4)
    data = data_of(member_client.get(f"/api/v1/analytics/group/{group.pk}"))
    last, this = data["series"]
    assert this["productive"] == 9 and this["participants"] == 1 and this["participationRate"] == 0.5
    assert last["productive"] == 4 and last["members"] == 2
    assert data["averages"]["checkIns"] == 2


def test_outsiders_get_no_group_analytics(outsider_client, group):
    error_of(outsider_client.get(f"/api/v1/analytics/group/{group.pk}"), 404, "GROUP_NOT_FOUND")


def test_comparison_sets_the_user_against_each_group(owner, owner_client, group, member):
    checkin(owner, group, 0, p=10, c=1)  # 19
    checkin(member, group, 0, p=2, c=5)  # 7
    data = data_of(owner_client.get("/api/v1/analytics/comparison"))
    assert data["you"] == 19
    assert data["groups"] == [{"groupId": group.pk, "name": "Friends", "average": 13, "you": 19, "difference": 6}]


def test_insights_name_the_rule_and_its_numbers(owner, owner_client, group, member):
    for weeks_ago in range(4, 8):
        checkin(owner, group, weeks_ago, p=9, s=9, b=9, c=2)  # 25 before
    for weeks_ago in range(0, 4):
        checkin(owner, group, weeks_ago, p=5, s=5, b=2, c=9)  # 3 recently
        checkin(member, group, weeks_ago, p=8, s=8, b=8, c=4)  # 20
    found = {item["rule"]: item for item in data_of(owner_client.get("/api/v1/analytics/insights"))}
    assert found["TREND_DOWN"]["numbers"] == {"recent": 3, "previous": 25, "delta": -22}
    assert "25" in found["TREND_DOWN"]["message"]
    assert found["LOW_BODY"]["numbers"]["body"] == 2
    assert found["HIGH_CARE"]["numbers"]["care"] == 9
    assert found["STREAK"]["numbers"] == {"streak": 8}
    assert found["BELOW_GROUP"]["numbers"]["groupId"] == group.pk


def test_insights_without_data_say_so(outsider_client):
    assert [item["rule"] for item in data_of(outsider_client.get("/api/v1/analytics/insights"))] == ["NO_DATA"]


def test_anonymous_callers_get_no_analytics(anon_client, group):
    for path in ("personal", "comparison", "insights", f"group/{group.pk}"):
        error_of(anon_client.get(f"/api/v1/analytics/{path}"), 401)


def test_another_users_data_never_enters_personal_numbers(owner, group):
    stranger = UserFactory()
    checkin(stranger, group, 0)
    assert data_of(client_for(owner).get("/api/v1/analytics/personal"))["averages"]["checkIns"] == 0


def test_an_outsider_sees_none_of_the_groups_numbers(owner, outsider_client, group):
    checkin(owner, group, 0)
    assert data_of(outsider_client.get("/api/v1/analytics/personal"))["averages"]["checkIns"] == 0
    assert data_of(outsider_client.get("/api/v1/analytics/comparison")) == {"weeks": 12, "you": None, "groups": []}


def test_group_analytics_cost_the_same_queries_however_many_check_ins(owner, group):
    client = client_for(owner)
    data_of(client.get("/api/v1/analytics/personal"))  # the first request also stamps last_active_at
    members = [owner] + [UserFactory() for _ in range(4)]
    for user in members[1:]:
        Membership.objects.create(group=group, user=user)

    def queries_for(weeks: range) -> int:
        for user in members:
            for weeks_ago in weeks:
                checkin(user, group, weeks_ago)
        analytics_cache.changed(group_ids=[group.pk])  # written behind the services' back: as they would
        with CaptureQueriesContext(connection) as captured:
            data_of(client.get(f"/api/v1/analytics/group/{group.pk}?weeks=104"))
        return len(captured)

    assert queries_for(range(0, 5)) == queries_for(range(5, 50))


def submit(client, group, **scores):
    body = {"groupId": group.pk, "productive": 5, "satisfied": 5, "body": 5, "care": 5} | scores
    return data_of(client.post("/api/v1/checkins", body, format="json"), 201)


def test_group_analytics_show_a_new_check_in_at_once(owner_client, member_client, group):
    path = f"/api/v1/analytics/group/{group.pk}"
    assert data_of(member_client.get(path))["series"] == []
    created = submit(owner_client, group, productive=9)
    assert data_of(member_client.get(path))["series"][0]["productive"] == 9
    data_of(owner_client.put(f"/api/v1/checkins/{created['id']}", {"productive": 2}, format="json"))
    assert data_of(member_client.get(path))["series"][0]["productive"] == 2
    data_of(owner_client.put(f"/api/v1/checkins/{created['id']}", {"isPrivate": True}, format="json"))
    assert data_of(member_client.get(path))["series"] == []
    owner_client.delete(f"/api/v1/checkins/{created['id']}")
    assert data_of(member_client.get(path))["averages"]["checkIns"] == 0


def test_group_analytics_follow_members_joining_and_leaving(owner_client, member, member_client, group, outsider):
    path = f"/api/v1/analytics/group/{group.pk}"
    assert data_of(owner_client.get(path))["memberCount"] == 2
    data_of(client_for(outsider).post("/api/v1/groups/join", {"accessCode": group.access_code}, format="json"))
    assert data_of(owner_client.get(path))["memberCount"] == 3
    data_of(member_client.post(f"/api/v1/groups/{group.pk}/leave"))
    assert data_of(owner_client.get(path))["memberCount"] == 2
    error_of(member_client.get(path), 404, "GROUP_NOT_FOUND")


def test_a_cached_group_answer_is_still_for_members_only(owner_client, outsider_client, group):
    path = f"/api/v1/analytics/group/{group.pk}"
    data_of(owner_client.get(path))
    error_of(outsider_client.get(path), 404, "GROUP_NOT_FOUND")


def test_personal_comparison_and_insights_show_a_new_check_in_at_once(owner_client, member_client, group):
    paths = ("personal", "comparison", "insights")
    before = {path: data_of(owner_client.get(f"/api/v1/analytics/{path}")) for path in paths}
    submit(owner_client, group, productive=10, care=1)  # 19
    personal = data_of(owner_client.get("/api/v1/analytics/personal"))
    assert personal["averages"]["checkIns"] == before["personal"]["averages"]["checkIns"] + 1 == 1
    assert data_of(owner_client.get("/api/v1/analytics/comparison"))["you"] == 19
    assert [i["rule"] for i in data_of(owner_client.get("/api/v1/analytics/insights"))] != ["NO_DATA"]
    submit(member_client, group, productive=1, care=10)  # another member's: the group's average moves
    assert data_of(owner_client.get("/api/v1/analytics/comparison"))["groups"][0]["average"] == 10


def test_a_repeated_analytics_request_is_answered_from_the_cache(owner, group):
    client = client_for(owner)
    checkin(owner, group, 0)
    for path in ("personal", "comparison", "insights", f"group/{group.pk}"):
        first = client.get(f"/api/v1/analytics/{path}")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/api/v1/analytics/{path}").json() | {"meta": None} == first.json() | {"meta": None}
        # What the cache cannot answer: the member check, the user's groups, the user's time zone.
        assert len(captured) <= 2, [query["sql"] for query in captured]
