"""Real-time: the `cylinders:all` room (WORKER and ADMIN only) and the event a batch of changes sends.

One `cylinders-updated` event per committed batch, not one per cylinder: a scan of 500 cylinders is
one publish (one Redis message, one socket write per dashboard) instead of 500, and a dashboard
re-renders once. Each item has the per-cylinder shape the issue names for `cylinder-updated`
(`{id, qr_code, serial_number, from_status, status, action, sent_to, by, at}`), so a client that
handles single changes loops over `cylinders`. Sent after commit: a rolled-back batch sends nothing.
"""

from django.db import transaction

from trackbase.realtime import rooms

ROOM_KIND = "cylinders"
ROOM = f"{ROOM_KIND}:all"
EVENT = "cylinders-updated"


def _can_join(user_id: int, key: str) -> bool:
    from trackbase.accounts.models import Role, User

    return key == "all" and User.objects.filter(pk=user_id, is_active=True, role__in=[Role.WORKER, Role.ADMIN]).exists()


def register_room() -> None:
    rooms.register(ROOM_KIND, _can_join)


def change_payload(cylinder, *, from_status: str, action: str, actor, at) -> dict:
    return {
        "id": cylinder.pk,
        "qr_code": cylinder.qr_code,
        "serial_number": cylinder.serial_number,
        "from_status": from_status or None,
        "status": cylinder.status,
        "action": action,
        "sent_to": cylinder.sent_to,
        "by": actor.username,
        "at": at.isoformat(),
    }


def cylinders_changed_on_commit(action: str, changes, *, actor, at) -> None:
    """Queue one `cylinders-updated` event for after the current transaction commits."""
    items = [change_payload(c, from_status=f, action=action, actor=actor, at=at) for c, f in changes]
    data = {"action": action, "by": actor.username, "at": at.isoformat(), "count": len(items), "cylinders": items}
    transaction.on_commit(lambda: _emit(data))


def _emit(data: dict) -> None:
    # Imported late so tests can replace emit_to_room on the services module.
    from trackbase.realtime import services

    services.emit_to_room(ROOM, EVENT, data)
