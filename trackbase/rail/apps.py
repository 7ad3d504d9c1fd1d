from django.apps import AppConfig


class RailConfig(AppConfig):
    name = "trackbase.rail"
    label = "rail"
