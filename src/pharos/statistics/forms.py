from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pharos.privacy import uploads

MAX_UPLOAD = 2 * 1024 * 1024


class FilterForm(forms.Form):
    """Dashboard filters; the choices are the codes present in the user's tables."""

    year = forms.ChoiceField(label=_("Year"), required=False)
    sex = forms.ChoiceField(label=_("Sex"), required=False)
    form = forms.ChoiceField(label=_("Form of exploitation"), required=False)

    def __init__(self, *args: object, choices: dict[str, list[tuple[str, str]]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        everything = [("", _("All"))]
        for name, options in choices.items():
            self.fields[name].choices = everything + options  # type: ignore[attr-defined]


class PopulationForm(forms.Form):
    file = uploads.UploadField(
        label=_("Population table (CSV)"),
        help_text=_(
            "Columns: country, year, sex (F, M, _T), age_group (Y_LT18, Y_GE18, _T), population; optional source."
        ),
    )
    source = forms.CharField(label=_("Source of the figures"), max_length=500, required=False)

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            raise forms.ValidationError(_("The file must be UTF-8 text.")) from error
