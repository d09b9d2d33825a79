"""The upload form of research datasets."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pharos.privacy import uploads
from pharos.research.models import Layout


class DatasetUploadForm(forms.Form):
    """A CTDC file, its layout (or detected from its header), a name and where it came from."""

    file = uploads.UploadField(label=_("File (CSV or XLSX in a CTDC layout)"))
    layout = forms.ChoiceField(
        label=_("Layout"),
        required=False,
        choices=[("", _("Detect from the header row")), *Layout.choices],
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        required=False,
        help_text=_("Where the file comes from, as you would cite it."),
    )
