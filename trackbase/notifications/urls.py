from django.urls import path

from trackbase.core.routing import me_routes
from trackbase.notifications import apis

urlpatterns = [
    *me_routes("notifications", apis.NotificationListApi, "notification-list"),
    *me_routes("notifications/unread-count", apis.NotificationUnreadCountApi, "notification-unread-count"),
    *me_routes("notifications/read-all", apis.NotificationReadAllApi, "notification-read-all"),
    *me_routes("notifications/settings", apis.NotificationSettingsApi, "notification-settings-me"),
    *me_routes("notifications/<id:notification_id>", apis.NotificationDetailApi, "notification-detail"),
    *me_routes("notifications/<id:notification_id>/read", apis.NotificationReadApi, "notification-read"),
    # Seed 003's iOS app.
    path("api/notifications/settings/", apis.NotificationSettingsApi.as_view(), name="notification-settings"),
    path("api/notifications/web-push-key/", apis.WebPushKeyApi.as_view(), name="notification-web-push-key"),
]
