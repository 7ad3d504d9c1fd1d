from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "trackbase.core"
    label = "core"

    def ready(self):
        from django.urls import register_converter

        from trackbase.core.routing import IdConverter

        register_converter(IdConverter, "id")
