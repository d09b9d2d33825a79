"""The upload form of the import page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    """A file, an optional saved mapping, and whether to check only, import, or get the report."""

    ACTIONS = (
        ("check", _("Check only (dry run): nothing is imported")),
        ("import", _("Import if every row is valid (all or nothing)")),
        ("report", _("Download the rejected rows as an annotated spreadsheet")),
    )

    file = forms.FileField(label=_("File (CSV, XLSX or ODS in the HTCDS layout)"))
    mapping = forms.ChoiceField(label=_("Saved column mapping"), required=False)
    action = forms.ChoiceField(
        label=_("What to do"), choices=ACTIONS, widget=forms.RadioSelect, initial="check"
    )

    def __init__(self, *args: Any, mappings: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mapping"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("Suggest from the headers")),
            *((m, m) for m in mappings or []),
        ]
