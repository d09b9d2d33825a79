"""The audit log's filter form (a GET form: filters are part of the address)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pharos.audit.queries import EventFilter


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class AuditFilterForm(forms.Form):
    action = forms.CharField(
        label=_("What happened"),
        help_text=_("An event name or its beginning, for example persons.person or accounts."),
        required=False,
        max_length=80,
    )
    actor = forms.CharField(label=_("Who (e-mail address)"), required=False, max_length=254)
    date_from = forms.DateField(label=_("From (date)"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To (date, included)"), required=False, widget=DateInput())
    target = forms.CharField(
        label=_("Object identifier"),
        help_text=_("The identifier of a record, as shown in the log."),
        required=False,
        max_length=64,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
        self.fields["action"].widget.attrs["list"] = "audit-event-names"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> EventFilter:
        """The filters that are valid (invalid ones are shown as errors and not applied)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return EventFilter(
            action=(data.get("action") or "").strip(),
            actor=(data.get("actor") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            target=(data.get("target") or "").strip(),
        )
