from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "pharos.api"
    label = "api"
