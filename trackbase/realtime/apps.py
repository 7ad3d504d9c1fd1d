from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "trackbase.realtime"
    label = "realtime"

    def ready(self):
        from trackbase.accounts.tokens import on_sessions_ended
        from trackbase.realtime.services import disconnect_user

        on_sessions_ended(disconnect_user)
