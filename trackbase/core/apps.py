from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "trackbase.core"
    label = "core"

    def ready(self):
        from trackbase.core import checks  # noqa: F401  (registers the system checks)
