from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    """Exports of case records and statistics to HTCDS, CTDC, HXL, Eurostat, UNODC and SDMX."""

    name = "pharos.exports"
    label = "exports"
    verbose_name = _("Exports")
