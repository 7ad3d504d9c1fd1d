from trackbase.core.routing import me_routes, optional_slash
from trackbase.notifications import apis

urlpatterns = [
    *me_routes("notifications", apis.NotificationListApi, "notification-list"),
    *me_routes("notifications/unread-count", apis.NotificationUnreadCountApi, "notification-unread-count"),
    *me_routes("notifications/read-all", apis.NotificationReadAllApi, "notification-read-all"),
    *me_routes("notifications/settings", apis.NotificationSettingsApi, "notification-settings-me"),
    *me_routes("notifications/<int:notification_id>", apis.NotificationDetailApi, "notification-detail"),
    *me_routes("notifications/<int:notification_id>/read", apis.NotificationReadApi, "notification-read"),
    # Seed 003's iOS app.
    *optional_slash("api/notifications/settings/", apis.NotificationSettingsApi, "notification-settings"),
    *optional_slash("api/notifications/web-push-key/", apis.WebPushKeyApi, "notification-web-push-key"),
]
