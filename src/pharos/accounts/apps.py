from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pharos.accounts"
    label = "accounts"

    def ready(self) -> None:
        from pharos.accounts import signals  # noqa: F401 - connects the audit receivers
