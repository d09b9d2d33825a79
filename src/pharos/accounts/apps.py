from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pharos.accounts"
    label = "accounts"
