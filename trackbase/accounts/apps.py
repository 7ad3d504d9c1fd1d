from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "trackbase.accounts"
    label = "accounts"
