from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "trackbase.core"
    label = "core"
