from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "trackbase.accounts"
    label = "accounts"

    def ready(self):
        from trackbase.accounts import schema  # noqa: F401  (registers the OpenAPI auth extension)
