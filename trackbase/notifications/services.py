"""Writes to the inbox: fan-out with dedupe, read state, deletion."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from trackbase.core.errors import NotFound
from trackbase.notifications.models import Notification


class NotificationNotFound(NotFound):
    code, detail = "NOTIFICATION_NOT_FOUND", "No such notification in your inbox."


def notifications_send(
    *,
    user_ids: Iterable[int],
    type: str,
    title: str,
    message: str,
    data: dict | None = None,
    dedupe_key: str | None = None,
) -> list[Notification]:
    """Put one notification in each user's inbox; users already notified of `dedupe_key` are skipped.

    Returns the new notifications, with ids. Safe under races: the (user, dedupe_key) unique
    constraint drops a duplicate that a concurrent sender inserted first.
    """
    user_ids = set(user_ids)
    if dedupe_key:
        user_ids -= set(
            Notification.objects.filter(dedupe_key=dedupe_key, user_id__in=user_ids).values_list("user_id", flat=True)
        )
    rows = [
        Notification(user_id=user_id, type=type, title=title, message=message, data=data or {}, dedupe_key=dedupe_key)
        for user_id in sorted(user_ids)
    ]
    if not dedupe_key:
        return Notification.objects.bulk_create(rows)
    with transaction.atomic():
        # ignore_conflicts returns no ids on every database, so read the rows back by their key.
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        return list(Notification.objects.filter(dedupe_key=dedupe_key, user_id__in=user_ids))


def notification_mark_read(*, user, notification_id: int) -> Notification:
    notification = _own(user=user, notification_id=notification_id)
    if not notification.is_read:
        notification.is_read, notification.read_at = True, timezone.now()
        notification.save(update_fields=["is_read", "read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, is_read=False).update(is_read=True, read_at=timezone.now())


def notification_delete(*, user, notification_id: int) -> None:
    _own(user=user, notification_id=notification_id).delete()


def _own(*, user, notification_id: int) -> Notification:
    # Another user's id is indistinguishable from a missing one: 404 either way.
    notification = Notification.objects.filter(pk=notification_id, user=user).first()
    if notification is None:
        raise NotificationNotFound()
    return notification
