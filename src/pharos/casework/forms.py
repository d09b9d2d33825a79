"""Forms of case work, shared by the pages and (for validation) the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pharos.cases.models import VICTIM_STATUS, CaseState
from pharos.cases.validation import Vocabulary
from pharos.casework import queries
from pharos.casework.models import ClosureReason, DocumentType, TaskKind
from pharos.privacy import uploads

SCOPES = [
    ("mine", _("Assigned to me")),
    ("organisation", _("My organisation")),
    ("unassigned", _("Not assigned to anyone")),
]
STATES = [
    ("active", _("Open or waiting for closure")),
    *CaseState.choices,
    ("all", pgettext_lazy("case state filter", "All")),
]


def _worker_choices(workers: list[Any]) -> list[tuple[str, str]]:
    return [(str(w.public_id), str(w)) for w in workers]


class CaseloadFilterForm(forms.Form):
    """Narrow the caseload: whose, which state, which status, overdue only, a search."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("A case or person reference, or a person's full name or alias (exact)."),
    )
    scope = forms.ChoiceField(label=_("Cases"), choices=SCOPES, required=False)
    state = forms.ChoiceField(label=_("State"), choices=STATES, required=False)
    status = forms.ChoiceField(label=_("Trafficking status"), required=False)
    worker = forms.ChoiceField(label=_("Case worker"), required=False)
    stage = forms.ChoiceField(label=_("Stage of the pathway"), required=False)
    overdue = forms.BooleanField(label=_("Only cases with overdue tasks"), required=False)

    def __init__(self, *args: Any, vocabulary: Vocabulary, workers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every = [v.code for v in vocabulary.versions(VICTIM_STATUS)]
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", _("All")),
            *vocabulary.choices(VICTIM_STATUS, timezone.localdate(), every),
        ]
        self.fields["worker"].choices = [("", _("Anyone")), *_worker_choices(workers)]  # type: ignore[attr-defined]
        stages = queries.stage_choices()
        if stages:
            self.fields["stage"].choices = [("", _("Any")), *stages]  # type: ignore[attr-defined]
        else:
            del self.fields["stage"]

    def filters(self) -> queries.CaseloadFilter:
        """The filters chosen; an invalid value is ignored (a stale bookmark still shows a list)."""
        if not self.is_bound:
            return queries.CaseloadFilter()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return queries.CaseloadFilter(
            scope=data.get("scope") or "mine",
            q=data.get("q") or "",
            status=data.get("status") or "",
            state=data.get("state") or "active",
            worker=data.get("worker") or "",
            overdue=bool(data.get("overdue")),
            stage=data.get("stage") or "",
        )


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TaskKind.choices, initial=TaskKind.FOLLOW_UP)
    title = forms.CharField(label=_("What to do"), max_length=500)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)

    def __init__(self, *args: Any, workers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workers = {str(w.public_id): w for w in workers}
        self.fields["assignee"].choices = [("", _("The case's worker")), *_worker_choices(workers)]  # type: ignore[attr-defined]

    def chosen_assignee(self) -> Any:
        return self.workers.get(self.cleaned_data.get("assignee") or "")


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)


class AttachmentForm(forms.Form):
    file = uploads.UploadField(label=_("File"))
    document_type = forms.ChoiceField(label=_("Type of document"), choices=DocumentType.choices)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000)


class AssignForm(forms.Form):
    worker = forms.ChoiceField(label=_("Case worker"))

    def __init__(self, *args: Any, workers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workers = {str(w.public_id): w for w in workers}
        self.fields["worker"].choices = _worker_choices(workers)  # type: ignore[attr-defined]

    def chosen_worker(self) -> Any:
        return self.workers[self.cleaned_data["worker"]]


class ClosureRequestForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=ClosureReason.choices)
    note = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the reason is 'other'."),
    )


class ClosureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: close the case")), ("reject", _("Reject: the case stays open"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you reject."),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why is the case reopened?"), widget=forms.Textarea(attrs={"rows": 3}))


class RetentionForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"))
    years = forms.IntegerField(label=_("Years after closure"), min_value=1, max_value=100)
    legal_basis = forms.CharField(label=_("Legal basis"), required=False, max_length=300)

    def __init__(self, *args: Any, countries: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.countries = {c.code: c for c in countries}
        self.fields["country"].choices = [(c.code, f"{c.name} ({c.code})") for c in countries]  # type: ignore[attr-defined]

    def chosen_country(self) -> Any:
        return self.countries[self.cleaned_data["country"]]
