from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "trackbase.analytics"
    label = "analytics"

    def ready(self):
        from trackbase.analytics.services import request_log_probe
        from trackbase.core.views import register_readiness_check

        # The analytics database answering SELECT 1 is not enough: a replaced database file answers too,
        # while every batch of the request log fails with "no such table" and is dropped.
        register_readiness_check("request_log", request_log_probe)
