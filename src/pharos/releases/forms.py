from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pharos.releases.models import Method


class ReleaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    method = forms.ChoiceField(label=_("Disclosure control"), choices=Method.choices)
    epsilon = forms.FloatField(
        label=_("Epsilon (differential privacy only)"),
        required=False,
        min_value=0.1,
        max_value=20,
        help_text=_("Privacy loss spent from the dataset's budget: smaller is more private and noisier."),
    )
    threshold = forms.IntegerField(label=_("Suppression threshold"), initial=10, min_value=2, max_value=100)
    rounding_base = forms.TypedChoiceField(
        label=_("Random rounding base"),
        choices=[(1, _("No rounding")), (3, "3"), (5, "5")],
        coerce=int,
        initial=5,
    )

    justice = forms.BooleanField(
        label=_("Include the criminal-justice tables (suspected, prosecuted and convicted persons)"),
        required=False,
        initial=True,
        help_text=_("With differential privacy they take a fifth of the epsilon."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("method") in (Method.DP, Method.SYNTHETIC) and not data.get("epsilon"):
            self.add_error("epsilon", _("Differential privacy needs an epsilon."))
        return data

    def parameters(self) -> dict[str, Any]:
        data = self.cleaned_data
        justice = bool(data.get("justice"))
        if data["method"] == Method.SUPPRESSION:
            return {
                "threshold": data["threshold"],
                "rounding_base": data["rounding_base"],
                "justice": justice,
            }
        return {"epsilon": data["epsilon"], "justice": justice}
