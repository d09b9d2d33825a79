from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    """Standard statistics (Eurostat, UNODC, SDG 16.2.2, CTDC) from the records, and dashboards."""

    name = "pharos.statistics"
    label = "statistics"
    verbose_name = _("Statistics")
