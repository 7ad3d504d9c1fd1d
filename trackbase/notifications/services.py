"""Writes to the inbox: fan-out with dedupe and per-channel delivery, read state, deletion, preferences."""

import functools
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from trackbase.core.errors import NotFound
from trackbase.notifications import delivery, preferences
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
    """Notify each user once of an event: in the inbox, and after commit in real time and by push, each
    channel as the user's preferences for `type` say. Users already notified of `dedupe_key` are skipped.

    Returns the new notifications, with ids (those hidden from the inbox by preference included). Safe
    under races: the (user, dedupe_key) unique constraint drops a duplicate that a concurrent sender
    inserted first, and only one sender claims each notification for delivery.
    """
    user_ids = set(user_ids)
    if dedupe_key:
        user_ids -= set(
            Notification.objects.filter(dedupe_key=dedupe_key, user_id__in=user_ids).values_list("user_id", flat=True)
        )
    if not user_ids:
        return []
    channels = _channels_by_user(user_ids=user_ids, type=type)
    rows = [
        Notification(
            user_id=user_id,
            type=type,
            title=title,
            message=message,
            data=data or {},
            dedupe_key=dedupe_key,
            in_inbox=channels[user_id][preferences.IN_APP],
        )
        for user_id in sorted(user_ids)
    ]
    with transaction.atomic():
        if dedupe_key:
            # ignore_conflicts returns no ids on every database, so read the rows back by their key.
            Notification.objects.bulk_create(rows, ignore_conflicts=True)
            sent = list(Notification.objects.filter(dedupe_key=dedupe_key, user_id__in=user_ids))
        else:
            sent = Notification.objects.bulk_create(rows)
        channels_by_id = {n.pk: channels[n.user_id] for n in sent}
        transaction.on_commit(
            functools.partial(delivery.notifications_deliver, channels_by_id=channels_by_id), robust=True
        )
    return sent


def _channels_by_user(*, user_ids: set[int], type: str) -> dict[int, dict[str, bool]]:
    stored = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "notification_preferences"))
    return {user_id: preferences.channels_for(stored.get(user_id), type) for user_id in user_ids}


def notification_mark_read(*, user, notification_id: int) -> Notification:
    notification = _own(user=user, notification_id=notification_id)
    if not notification.is_read:
        notification.is_read, notification.read_at = True, timezone.now()
        notification.save(update_fields=["is_read", "read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    unread = Notification.objects.filter(user=user, in_inbox=True, is_read=False)
    return unread.update(is_read=True, read_at=timezone.now())


def notification_delete(*, user, notification_id: int) -> None:
    _own(user=user, notification_id=notification_id).delete()


def _own(*, user, notification_id: int) -> Notification:
    # Another user's id is indistinguishable from a missing one: 404 either way.
    notification = Notification.objects.filter(pk=notification_id, user=user, in_inbox=True).first()
    if notification is None:
        raise NotificationNotFound()
    return notification


def notification_preferences_update(*, user, default: dict, types: dict, sections: dict | None = None) -> dict:
    """Replace the user's notification preferences (keys of the document other apps own are kept, but for
    the registered sections given in `sections`, which replace theirs)."""
    User = get_user_model()
    with transaction.atomic():
        locked = User.objects.select_for_update().only("notification_preferences").get(pk=user.pk)
        document = preferences.replace(locked.notification_preferences, default=default, types=types)
        document |= sections or {}
        User.objects.filter(pk=user.pk).update(notification_preferences=document, updated_at=timezone.now())
    user.notification_preferences = document
    return preferences.normalize(document) | preferences.sections_of(document)
