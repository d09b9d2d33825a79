"""Forms of the linkage pages: start a run, filter and decide pairs, create a project, upload."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from pharos.linkage.engine.model import Tuning
from pharos.linkage.models import PairState, RunScope, Verdict
from pharos.privacy import files, uploads
from pharos.tenancy.models import Organisation

_SOURCE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,59}$")


class RunStartForm(forms.Form):
    scope = forms.ChoiceField(label=_("Whose persons"), choices=RunScope.choices, initial=RunScope.COUNTRY)
    threshold = forms.FloatField(
        label=_("Link from match probability"),
        min_value=0.5,
        max_value=1.0,
        help_text=_("Two records at or above this probability are counted as one person."),
    )
    review_low = forms.FloatField(
        label=_("Review from match probability"),
        min_value=0.01,
        max_value=1.0,
        help_text=_("Pairs between this and the link threshold go to the review queue."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["threshold"].initial = getattr(settings, "PHAROS_LINKAGE_THRESHOLD", Tuning.threshold)
        self.fields["review_low"].initial = getattr(settings, "PHAROS_LINKAGE_REVIEW_LOW", Tuning.review_low)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("review_low"), data.get("threshold")
        if low is not None and high is not None and low > high:
            self.add_error("review_low", _("The review band must start below the link threshold."))
        return data

    def parameters(self) -> dict[str, float]:
        return {"threshold": self.cleaned_data["threshold"], "review_low": self.cleaned_data["review_low"]}


class ReviewFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("", _("All pairs")), *PairState.choices],
        initial=PairState.PENDING,
    )
    seen = forms.BooleanField(label=_("Only pairs whose two records I may see"), required=False)


class DecideForm(forms.Form):
    verdict = forms.ChoiceField(choices=Verdict.choices)


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    key_custodian = forms.CharField(
        label=_("Key custodian"),
        max_length=200,
        help_text=_(
            "Who makes the shared secret and hands it to the data holders. Never the linkage unit: "
            "it must not be able to test guesses against the encodings."
        ),
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Participating organisations of this instance"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    external = forms.CharField(
        label=_("Participants elsewhere"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One a line: the participant's name, a vertical bar, and the source name it encodes with "
            "(letters, digits, '-', '_' or '.'), e.g. “Ministry of Interior, Albania | moi-al”."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = Organisation.objects.active().order_by("name")  # type: ignore[attr-defined]

    def clean_external(self) -> list[tuple[str, str]]:
        found = []
        for number, line in enumerate((self.cleaned_data.get("external") or "").splitlines(), start=1):
            if not line.strip():
                continue
            name, bar, source = line.rpartition("|")
            source = source.strip().lower()
            if not bar or not name.strip() or not _SOURCE.match(source):
                raise forms.ValidationError(
                    _("Line %(number)s: write the name, a vertical bar and a source name."),
                    params={"number": number},
                )
            found.append((name.strip(), source))
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        count = len(data.get("organisations") or []) + len(data.get("external") or [])
        if count < 2:
            raise forms.ValidationError(_("A linkage project needs at least two participants."))
        return data

    def participants(self) -> tuple[list[tuple[Organisation, str]], list[tuple[str, str]]]:
        organisations = [(o, o.code.lower()) for o in self.cleaned_data["organisations"]]
        return organisations, self.cleaned_data["external"]


class UploadForm(forms.Form):
    # Read whole to check it, then kept as one attachment: at most PHAROS_ATTACHMENT_MAX_BYTES.
    file = uploads.UploadField(label=_("Encodings file (from pharos pprl encode)"), max_bytes=files.max_bytes)
