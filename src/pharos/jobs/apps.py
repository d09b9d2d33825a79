from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "pharos.jobs"
    label = "jobs"

    def ready(self) -> None:
        # Each app registers its job kinds in its tasks.py (see pharos.jobs.registry).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
