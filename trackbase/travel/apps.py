from django.apps import AppConfig


class TravelConfig(AppConfig):
    name = "trackbase.travel"
    label = "travel"

    def ready(self):
        from trackbase.notifications import preferences
        from trackbase.travel import alerts
        from trackbase.travel.api.serializers import AlertSettingsSerializer

        # Schengen thresholds live in GET/PUT /api/notifications/settings/ as the `travel` section.
        preferences.register_section(alerts.PREFERENCES_KEY, AlertSettingsSerializer, alerts.settings_section)
