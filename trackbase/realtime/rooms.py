"""Who may join which room. Rooms are named `<kind>:<key>`; domain apps register a checker per kind.

    from trackbase.realtime import rooms
    rooms.register("group", lambda user_id, group_id: Membership.objects.filter(...).exists())

A kind without a checker admits nobody: joining is refused, never silently allowed.
"""

from collections.abc import Callable, Iterable

RoomCheck = Callable[[int, str], bool]
PresenceRooms = Callable[[int], Iterable[str]]

_checks: dict[str, RoomCheck] = {}
_presence_sources: list[PresenceRooms] = []


def register(kind: str, can_join: RoomCheck) -> None:
    """Let users into `<kind>:<key>` rooms when `can_join(user_id, key)` says so (sync; may query)."""
    _checks[kind] = can_join


def register_presence_rooms(rooms_of_user: PresenceRooms) -> None:
    """Rooms told when a user comes online or goes offline (e.g. the user's groups)."""
    _presence_sources.append(rooms_of_user)


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def can_join(user_id: int, room: str) -> bool:
    kind, separator, key = room.partition(":")
    if not separator or not key:
        return False
    if kind == "user":
        return key == str(user_id)
    check = _checks.get(kind)
    return bool(check and check(user_id, key))


def presence_rooms(user_id: int) -> list[str]:
    return [room for source in _presence_sources for room in source(user_id)]
