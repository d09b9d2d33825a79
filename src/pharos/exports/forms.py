"""The export form: which format to download."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

FORMAT_CHOICES = [
    ("htcds-csv", _("HTCDS 2.0 case records (CSV)")),
    ("htcds-xlsx", _("HTCDS 2.0 case records (Excel)")),
    ("ctdc", _("CTDC Global Synthetic Dataset layout (CSV, no personal data)")),
    ("hxl", _("HXL-tagged victim counts (CSV)")),
    ("eurostat", _("Eurostat THB tables (CSV)")),
    ("unodc", _("UNODC GLOTIP tables (CSV)")),
    ("sdmx", _("SDMX-CSV of the Eurostat tables")),
]


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, widget=forms.RadioSelect)
