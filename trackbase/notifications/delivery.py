"""After commit: deliver new notifications on the realtime and push channels, each exactly once."""

import logging

from django.db import connection, transaction
from django.utils import timezone

from trackbase.notifications import preferences
from trackbase.notifications.models import Notification
from trackbase.notifications.push import outbox
from trackbase.realtime import services as realtime

logger = logging.getLogger(__name__)

CLAIM_BATCH = 500


def notifications_deliver(*, channels_by_id: dict[int, dict[str, bool]]) -> None:
    """Emit each notification to the user's open connections and queue its pushes, as the user's
    preferences for its type say. Only the caller that claims a notification delivers it."""
    notifications = _claim(sorted(channels_by_id))
    _emit([n for n in notifications if channels_by_id[n.pk][preferences.REALTIME]])
    to_push = [n for n in notifications if channels_by_id[n.pk][preferences.PUSH]]
    if to_push:
        outbox.push_messages_queue(notifications=to_push)


def realtime_payload(notification: Notification) -> dict:
    """The `notification` event's data (seed 002: type, title, message, data), plus the inbox id and time."""
    return {
        "id": notification.pk,
        "type": notification.type,
        "title": notification.title,
        "message": notification.message,
        "data": notification.data,
        "created_at": notification.created_at.isoformat().replace("+00:00", "Z"),
    }


def _claim(notification_ids: list[int]) -> list[Notification]:
    """Mark undelivered notifications delivered and return them. Two senders racing on one event (both
    read the same row back after their inserts) each get only the rows they marked."""
    claimed = []
    skip_locked = connection.features.has_select_for_update_skip_locked
    for start in range(0, len(notification_ids), CLAIM_BATCH):
        batch = notification_ids[start : start + CLAIM_BATCH]
        with transaction.atomic():
            rows = list(
                Notification.objects.select_for_update(skip_locked=skip_locked)
                .filter(pk__in=batch, dispatched_at__isnull=True)
                .order_by("pk")
            )
            Notification.objects.filter(pk__in=[n.pk for n in rows]).update(dispatched_at=timezone.now())
        claimed.extend(rows)
    return claimed


def _emit(notifications: list[Notification]) -> None:
    if not notifications:
        return
    try:
        realtime.emit_to_users((n.user_id, "notification", realtime_payload(n)) for n in notifications)
    except Exception:
        # The inbox and push still have them; a lost realtime event must not stop the other deliveries.
        logger.exception("realtime notification emit failed", extra={"notification_ids": [n.pk for n in notifications]})
