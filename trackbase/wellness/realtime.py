"""The gateway's `group:<id>` rooms admit members only; presence is announced to a user's groups."""

from trackbase.realtime import rooms
from trackbase.wellness.models import Membership

MAX_ID_DIGITS = 18


def can_join_group(user_id: int, key: str) -> bool:
    if not key.isdigit() or len(key) > MAX_ID_DIGITS:
        return False
    return Membership.objects.filter(user_id=user_id, group_id=int(key)).exists()


def groups_of(user_id: int) -> list[str]:
    ids = Membership.objects.filter(user_id=user_id).values_list("group_id", flat=True)
    return [f"group:{group_id}" for group_id in ids]


def register() -> None:
    rooms.register("group", can_join_group)
    rooms.register_presence_rooms(groups_of)
