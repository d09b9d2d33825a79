"""The forms of the import pages: upload, and the column-mapping step."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pharos.imports.mapping import TARGETS
from pharos.privacy import uploads


class UploadForm(forms.Form):
    """A file, an optional saved mapping, and whether to check only, import, or get the report."""

    ACTIONS = (
        ("check", _("Check only (dry run): nothing is imported")),
        ("import", _("Import if every row is valid (all or nothing)")),
        ("report", _("Download the rejected rows as an annotated spreadsheet")),
    )

    file = uploads.UploadField(label=_("File (CSV, XLSX or ODS in the HTCDS layout)"))
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


class StartForm(forms.Form):
    """The first step of an import in the background: the file."""

    file = uploads.UploadField(label=_("File (CSV, XLSX or ODS in the HTCDS layout)"))
    mapping = forms.ChoiceField(label=_("Start from a saved column mapping"), required=False)

    def __init__(self, *args: Any, mappings: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mapping"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Suggest from the headers")), *((m, m) for m in mappings or [])]


class MappingForm(forms.Form):
    """One select per column of the file (suggested from its header and HXL hashtag), an
    optional name to save the mapping under, and whether to check or import."""

    save_as = forms.CharField(
        label=_("Save this mapping for the next files from this source as (optional)"),
        required=False,
        max_length=100,
    )

    def __init__(
        self, *args: Any, headers: list[str], hxl: list[str], initial_columns: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— not imported —")), *((t, t) for t in TARGETS)]
        self.headers = headers
        for index, header in enumerate(headers):
            tag = hxl[index] if index < len(hxl) else ""
            label = f"{header} ({tag})" if tag else header or _("(column without a header)")
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=label, choices=choices, required=False, initial=initial_columns.get(header, "")
            )

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"column_{index}"] for index in range(len(self.headers))]

    def mapping(self) -> dict[str, str]:
        return {h: self.cleaned_data.get(f"column_{i}", "") for i, h in enumerate(self.headers)}
