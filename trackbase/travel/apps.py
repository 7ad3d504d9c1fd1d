from django.apps import AppConfig


class TravelConfig(AppConfig):
    name = "trackbase.travel"
    label = "travel"
