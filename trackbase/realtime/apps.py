from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "trackbase.realtime"
    label = "realtime"
