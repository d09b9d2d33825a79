from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "pharos.jobs"
    label = "jobs"
