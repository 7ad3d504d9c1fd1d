import pytest

from trackbase.accounts.tests.factories import UserFactory
from trackbase.core.testing import client_for
from trackbase.notifications.models import Notification
from trackbase.wellness import rules
from trackbase.wellness.models import Group, Membership, Role
from trackbase.wellness.tests.conftest import data_of, error_of

pytestmark = pytest.mark.django_db


def join(user, group):
    return client_for(user).post("/api/v1/groups/join", {"accessCode": group.access_code}, format="json")


def test_it_creates_a_group_with_the_creator_as_admin(owner, owner_client):
    body = {
        "name": "Crew",
        "description": "Us",
        "maxMembers": 8,
        "timezone": "Europe/Berlin",
        "checkinFrequency": "biweekly",
    }
    data = data_of(owner_client.post("/api/v1/groups", body, format="json"), 201)
    assert data["userRole"] == "admin" and data["memberCount"] == 1 and data["maxMembers"] == 8
    assert data["timezone"] == "Europe/Berlin" and data["checkinFrequency"] == "biweekly"
    assert set(data["accessCode"]) <= set(rules.ACCESS_CODE_ALPHABET)
    assert Membership.objects.get(group_id=data["id"], user=owner).role == Role.ADMIN


def test_it_refuses_an_unknown_time_zone(owner_client):
    error = error_of(owner_client.post("/api/v1/groups", {"name": "x", "timezone": "Mars/Base"}), 400)
    assert "timezone" in error["details"]


def test_it_lists_only_the_callers_groups(owner_client, outsider_client, group):
    assert [g["id"] for g in data_of(owner_client.get("/api/v1/groups"))] == [group.pk]
    assert data_of(outsider_client.get("/api/v1/groups")) == []


def test_outsiders_see_neither_details_nor_members(outsider_client, group):
    error_of(outsider_client.get(f"/api/v1/groups/{group.pk}"), 404, "GROUP_NOT_FOUND")
    error_of(outsider_client.get(f"/api/v1/groups/{group.pk}/members"), 404, "GROUP_NOT_FOUND")
    error_of(outsider_client.put(f"/api/v1/groups/{group.pk}", {"name": "x"}), 404)
    error_of(outsider_client.delete(f"/api/v1/groups/{group.pk}"), 404)
    error_of(outsider_client.post(f"/api/v1/groups/{group.pk}/leave"), 404)
    error_of(outsider_client.post(f"/api/v1/groups/{group.pk}/invite", {"username": "owner"}), 404)
    error_of(outsider_client.post(f"/api/v1/groups/{group.pk}/access-code"), 404)
    error_of(outsider_client.delete(f"/api/v1/groups/{group.pk}/members/1"), 404)
    error_of(outsider_client.get("/api/v1/groups/999999"), 404)


def test_members_see_details_and_members(member_client, group, owner, member):
    assert data_of(member_client.get(f"/api/v1/groups/{group.pk}"))["userRole"] == "member"
    members = data_of(member_client.get(f"/api/v1/groups/{group.pk}/members"))
    assert [(m["username"], m["role"]) for m in members] == [("owner", "admin"), ("member", "member")]
    assert "email" not in members[0]


def test_it_joins_by_access_code_in_any_case(outsider, group):
    group.access_code = "ABCD2345"
    group.save()
    response = client_for(outsider).post("/api/v1/groups/join", {"accessCode": "abcd-2345"}, format="json")
    assert data_of(response)["memberCount"] == 2


def test_joining_twice_is_a_conflict(member, group):
    error_of(join(member, group), 409, "ALREADY_MEMBER")


def test_a_wrong_code_is_not_found(outsider_client):
    error_of(outsider_client.post("/api/v1/groups/join", {"accessCode": "NOPE2345"}), 404, "INVALID_ACCESS_CODE")


def test_a_full_group_refuses_joins(owner):
    from trackbase.wellness.services.groups import group_create

    small = group_create(user=owner, name="Pair", max_members=2)
    data_of(join(UserFactory(), small))
    error_of(join(UserFactory(), small), 409, "GROUP_FULL")
    assert Group.objects.get(pk=small.pk).member_count == 2


def test_only_the_admin_changes_settings(owner_client, member_client, group):
    error_of(member_client.put(f"/api/v1/groups/{group.pk}", {"name": "Mine"}), 403, "GROUP_ADMIN_REQUIRED")
    data = data_of(owner_client.put(f"/api/v1/groups/{group.pk}", {"name": "Renamed", "maxMembers": 10}))
    assert data["name"] == "Renamed" and data["maxMembers"] == 10


def test_max_members_cannot_drop_below_the_members(owner_client, group, member):
    error_of(owner_client.put(f"/api/v1/groups/{group.pk}", {"maxMembers": 1}), 400, "VALIDATION_ERROR")
    Membership.objects.create(group=group, user=UserFactory(), role=Role.MEMBER)
    Group.objects.filter(pk=group.pk).update(member_count=3)
    error_of(owner_client.put(f"/api/v1/groups/{group.pk}", {"maxMembers": 2}), 409, "MAX_MEMBERS_BELOW_MEMBER_COUNT")
    assert data_of(owner_client.put(f"/api/v1/groups/{group.pk}", {"maxMembers": 3}))["maxMembers"] == 3


def test_only_the_admin_deletes(owner_client, member_client, group):
    error_of(member_client.delete(f"/api/v1/groups/{group.pk}"), 403)
    assert owner_client.delete(f"/api/v1/groups/{group.pk}").status_code == 204
    assert not Group.objects.filter(pk=group.pk).exists()


def test_the_last_admin_leaving_promotes_the_longest_standing_member(owner_client, group, member):
    later = UserFactory()
    data_of(join(later, group))
    assert data_of(owner_client.post(f"/api/v1/groups/{group.pk}/leave")) == {"groupDeleted": False}
    assert Membership.objects.get(group=group, user=member).role == Role.ADMIN
    assert Membership.objects.get(group=group, user=later).role == Role.MEMBER
    assert Group.objects.get(pk=group.pk).member_count == 2


def test_the_last_member_leaving_deletes_the_group(owner_client, group):
    assert data_of(owner_client.post(f"/api/v1/groups/{group.pk}/leave")) == {"groupDeleted": True}
    assert not Group.objects.filter(pk=group.pk).exists()


def test_a_place_freed_by_leaving_can_be_taken(owner):
    from trackbase.wellness.services.groups import group_create

    small = group_create(user=owner, name="Pair", max_members=2)
    first = UserFactory()
    data_of(join(first, small))
    data_of(client_for(first).post(f"/api/v1/groups/{small.pk}/leave"))
    data_of(join(UserFactory(), small))


def test_invite_sends_a_group_invitation(member_client, group, outsider, emitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        data_of(member_client.post(f"/api/v1/groups/{group.pk}/invite", {"username": "outsider"}))
    notification = Notification.objects.get(user=outsider)
    assert notification.type == "group_invitation"
    assert notification.data["groupId"] == group.pk and notification.data["accessCode"] == group.access_code
    assert any(room == f"user:{outsider.pk}" and event == "notification" for room, event, _ in emitted)


def test_invite_refuses_unknown_users_and_members(owner_client, group, member):
    error_of(owner_client.post(f"/api/v1/groups/{group.pk}/invite", {"username": "ghost"}), 404, "USER_NOT_FOUND")
    error_of(owner_client.post(f"/api/v1/groups/{group.pk}/invite", {"username": "member"}), 409, "ALREADY_MEMBER")


def test_admins_and_moderators_remove_members(owner, owner_client, member_client, group, member):
    third = UserFactory()
    data_of(join(third, group))
    error_of(member_client.delete(f"/api/v1/groups/{group.pk}/members/{third.pk}"), 403, "GROUP_MODERATOR_REQUIRED")
    Membership.objects.filter(group=group, user=member).update(role=Role.MODERATOR)
    error_of(member_client.delete(f"/api/v1/groups/{group.pk}/members/{owner.pk}"), 403, "CANNOT_REMOVE_MEMBER")
    assert member_client.delete(f"/api/v1/groups/{group.pk}/members/{third.pk}").status_code == 204
    error_of(owner_client.delete(f"/api/v1/groups/{group.pk}/members/{third.pk}"), 404, "MEMBER_NOT_FOUND")
    error_of(owner_client.delete(f"/api/v1/groups/{group.pk}/members/{owner.pk}"), 409, "CANNOT_REMOVE_SELF")
    assert owner_client.delete(f"/api/v1/groups/{group.pk}/members/{member.pk}").status_code == 204
    assert Group.objects.get(pk=group.pk).member_count == 1


def test_the_admin_changes_roles_but_keeps_an_admin(owner, owner_client, member_client, group, member):
    url = f"/api/v1/groups/{group.pk}/members/{member.pk}"
    error_of(member_client.put(url, {"role": "admin"}), 403)
    assert data_of(owner_client.put(url, {"role": "moderator"}))["role"] == "moderator"
    error_of(owner_client.put(url, {"role": "owner"}), 400)
    error_of(owner_client.put(f"/api/v1/groups/{group.pk}/members/{owner.pk}", {"role": "member"}), 409, "LAST_ADMIN")
    data_of(owner_client.put(url, {"role": "admin"}))
    data_of(owner_client.put(f"/api/v1/groups/{group.pk}/members/{owner.pk}", {"role": "member"}))


def test_the_admin_regenerates_the_access_code(owner_client, member_client, group, outsider):
    old = group.access_code
    error_of(member_client.post(f"/api/v1/groups/{group.pk}/access-code"), 403)
    new = data_of(owner_client.post(f"/api/v1/groups/{group.pk}/access-code"))["accessCode"]
    assert new != old
    error_of(client_for(outsider).post("/api/v1/groups/join", {"accessCode": old}), 404, "INVALID_ACCESS_CODE")


def test_group_updates_are_announced_to_the_room_after_commit(
    owner_client, group, outsider, emitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        data_of(join(outsider, group))
        data_of(owner_client.put(f"/api/v1/groups/{group.pk}", {"description": "new"}))
        data_of(client_for(outsider).post(f"/api/v1/groups/{group.pk}/leave"))
    kinds = [(room, event, data["type"]) for room, event, data in emitted if event == "group-updated"]
    room = f"group:{group.pk}"
    assert kinds == [
        (room, "group-updated", "member-joined"),
        (room, "group-updated", "settings-changed"),
        (room, "group-updated", "member-left"),
    ]
    assert emitted[0][2] == {
        "groupId": group.pk,
        "type": "member-joined",
        "data": {"userId": outsider.pk, "username": "outsider"},
    }


def test_a_refused_join_announces_nothing(owner, emitted, django_capture_on_commit_callbacks):
    from trackbase.wellness.services.groups import group_create

    small = group_create(user=owner, name="Solo", max_members=2)
    data_of(join(UserFactory(), small))
    with django_capture_on_commit_callbacks(execute=True):
        error_of(join(UserFactory(), small), 409)
    assert emitted == []


@pytest.fixture
def room_changes(monkeypatch):
    changes = []
    monkeypatch.setattr(
        "trackbase.realtime.services.remove_user_from_room",
        lambda user_id, room: changes.append(("leave", user_id, room)),
    )
    monkeypatch.setattr("trackbase.realtime.services.close_room", lambda room: changes.append(("close", room)))
    return changes


def test_members_who_go_leave_the_group_room(
    owner, owner_client, group, member, room_changes, emitted, django_capture_on_commit_callbacks
):
    third = UserFactory()
    data_of(join(third, group))
    room = f"group:{group.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        assert owner_client.delete(f"/api/v1/groups/{group.pk}/members/{third.pk}").status_code == 204
        data_of(client_for(member).post(f"/api/v1/groups/{group.pk}/leave"))
        data_of(owner_client.post(f"/api/v1/groups/{group.pk}/leave"))  # the last one: the group goes
    assert room_changes == [
        ("leave", third.pk, room),
        ("leave", member.pk, room),
        ("leave", owner.pk, room),
        ("close", room),
    ]


def test_a_deleted_group_closes_its_room(owner_client, group, room_changes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert owner_client.delete(f"/api/v1/groups/{group.pk}").status_code == 204
    assert room_changes == [("close", f"group:{group.pk}")]


def test_a_settings_change_sends_only_what_changes(owner_client, group):
    data = data_of(owner_client.put(f"/api/v1/groups/{group.pk}", {"timezone": "Asia/Tokyo"}))
    assert data["timezone"] == "Asia/Tokyo" and data["name"] == group.name
    error = error_of(owner_client.put(f"/api/v1/groups/{group.pk}", {"timezone": "0"}), 400, "VALIDATION_ERROR")
    assert error["details"] == {"timezone": ["Unknown time zone; use an IANA name such as Europe/Berlin."]}
