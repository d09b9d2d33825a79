from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "pharos.tenancy"
    label = "tenancy"
