from django.db.models import QuerySet

from trackbase.notifications.models import Notification


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(user=user)
    return notifications.filter(is_read=False) if unread_only else notifications


def notification_unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, is_read=False).count()
