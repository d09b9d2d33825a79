from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "pharos.standards"
    label = "standards"
    verbose_name = "Data standards and code lists"
