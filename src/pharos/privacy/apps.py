from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "pharos.privacy"
    label = "privacy"
