from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "pharos.audit"
    label = "audit"
