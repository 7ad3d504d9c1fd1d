from django.apps import AppConfig


class WellnessConfig(AppConfig):
    name = "trackbase.wellness"
    label = "wellness"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from trackbase.wellness import realtime

        realtime.register()
