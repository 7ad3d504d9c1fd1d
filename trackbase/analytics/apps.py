from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "trackbase.analytics"
    label = "analytics"
