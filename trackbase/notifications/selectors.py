from django.db.models import QuerySet

from trackbase.notifications import preferences
from trackbase.notifications.models import Notification


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    # Notifications whose type the user keeps out of the inbox (in_app off) exist only for dedupe and delivery.
    notifications = Notification.objects.filter(user=user, in_inbox=True)
    return notifications.filter(is_read=False) if unread_only else notifications


def notification_unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, in_inbox=True, is_read=False).count()


def notification_preferences_get(*, user) -> dict:
    document = user.notification_preferences
    return preferences.normalize(document) | preferences.sections_of(document)
