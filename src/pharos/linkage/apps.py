from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "pharos.linkage"
    label = "linkage"
    verbose_name = "Record linkage"
