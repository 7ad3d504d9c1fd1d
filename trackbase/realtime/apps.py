from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "trackbase.realtime"
    label = "realtime"

    def ready(self):
        from trackbase.accounts.signals import sessions_ended

        sessions_ended.connect(close_sockets_of_user, dispatch_uid="realtime.close_sockets_of_user")


def close_sockets_of_user(sender, *, user_id, **kwargs) -> None:
    """Every session of the user ended: close their open connections, on every process."""
    from trackbase.realtime.services import disconnect_user

    disconnect_user(user_id)
