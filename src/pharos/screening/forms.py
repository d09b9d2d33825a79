"""The screening form: one group of tick boxes per dimension of the chosen list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pharos.screening import indicators

GRADE_LABELS = {
    indicators.STRONG: _("strong"),
    indicators.MEDIUM: _("medium"),
    indicators.WEAK: _("weak"),
}


def list_choices() -> list[tuple[str, str]]:
    """The lists that can be used, in the publication's order (missing ones are left out)."""
    return [(key, gettext(found.label)) for key, found in indicators.lists().items() if found.available]


class ListChoiceForm(forms.Form):
    indicator_list = forms.ChoiceField(label=_("List of indicators"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator_list"].choices = list_choices()  # type: ignore[attr-defined]


class ScreeningForm(forms.Form):
    """The indicators of one list, grouped by dimension (``dim_<key>`` fields), and the context."""

    screened_on = forms.DateField(
        label=_("Date of the screening"), widget=forms.DateInput(attrs={"type": "date"})
    )
    alias = forms.CharField(
        label=_("Alias"),
        required=False,
        max_length=200,
        help_text=_("A name the person uses, enough to find the screening again. No full name is needed."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, indicator_list: indicators.IndicatorList, with_alias: bool, **kwargs: Any):
        kwargs.setdefault("initial", {}).setdefault("screened_on", timezone.localdate().isoformat())
        super().__init__(*args, **kwargs)
        self.indicator_list = indicator_list
        if with_alias:
            self.fields["alias"].required = True
        else:
            del self.fields["alias"]
        for dim in indicator_list.dimensions:
            self.fields[f"dim_{dim.key}"] = forms.MultipleChoiceField(
                label=gettext(dim.label),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(i.id, f"{gettext(i.text)} ({GRADE_LABELS[i.grade]})") for i in dim.indicators],
            )

    def dimension_fields(self) -> list[forms.BoundField]:
        return [self[f"dim_{d.key}"] for d in self.indicator_list.dimensions]

    def present(self) -> list[str]:
        return [i for d in self.indicator_list.dimensions for i in self.cleaned_data.get(f"dim_{d.key}", [])]

    def clean_screened_on(self) -> Any:
        value = self.cleaned_data["screened_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date of the screening cannot be in the future."))
        return value


class AttachForm(forms.Form):
    case_reference = forms.CharField(
        label=_("Reference of the victim case"),
        max_length=64,
        help_text=_("For example MK-ORG-VC-2026-00001."),
    )
