"""Seed 002's server events, emitted after commit: a rolled-back write never announces anything."""

import functools

from django.db import transaction

from trackbase.realtime import services as realtime
from trackbase.realtime.rooms import user_room


def group_room(group_id: int) -> str:
    return f"group:{group_id}"


def group_updated(group_id: int, kind: str, data: dict) -> None:
    """`group-updated` to the group's room: kind is member-joined, member-left or settings-changed."""
    payload = {"groupId": group_id, "type": kind, "data": data}
    transaction.on_commit(functools.partial(realtime.emit_to_room, group_room(group_id), "group-updated", payload))


def friend_checked_in(*, member_ids: list[int], payload: dict) -> None:
    """`friend-checked-in` to each other member's own connections (joined to the group room or not):
    one publish naming every member's room."""
    if member_ids:
        rooms = [user_room(user_id) for user_id in member_ids]
        transaction.on_commit(functools.partial(realtime.emit_to_room, rooms, "friend-checked-in", payload))


def member_gone(group_id: int, user_id: int) -> None:
    """A member left or was removed: their open connections leave the group's room."""
    transaction.on_commit(functools.partial(realtime.remove_user_from_room, user_id, group_room(group_id)))


def group_gone(group_id: int) -> None:
    transaction.on_commit(functools.partial(realtime.close_room, group_room(group_id)))
