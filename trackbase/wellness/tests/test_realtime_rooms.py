import pytest

from trackbase.realtime import rooms

pytestmark = pytest.mark.django_db


def test_only_members_may_join_a_group_room(group, owner, member, outsider):
    assert rooms.can_join(owner.pk, f"group:{group.pk}")
    assert rooms.can_join(member.pk, f"group:{group.pk}")
    assert not rooms.can_join(outsider.pk, f"group:{group.pk}")
    for key in ("x", "-1", "9" * 40, ""):
        assert not rooms.can_join(owner.pk, f"group:{key}")


def test_presence_goes_to_the_users_groups(group, owner, outsider):
    assert f"group:{group.pk}" in rooms.presence_rooms(owner.pk)
    assert not [room for room in rooms.presence_rooms(outsider.pk) if room.startswith("group:")]
