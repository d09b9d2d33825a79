from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    """Research datasets (CTDC's synthetic layouts), kept apart from case records."""

    name = "pharos.research"
    label = "research"
    verbose_name = _("Research datasets")
