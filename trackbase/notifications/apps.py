from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "trackbase.notifications"
    label = "notifications"
