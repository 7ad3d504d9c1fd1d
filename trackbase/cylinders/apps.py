from django.apps import AppConfig


class CylindersConfig(AppConfig):
    name = "trackbase.cylinders"
    label = "cylinders"

    def ready(self) -> None:
        from trackbase.cylinders import live

        live.register_room()
