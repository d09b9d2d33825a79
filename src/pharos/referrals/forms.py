"""Forms of consent, referrals, answers and break-the-glass (the API validates through the same)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pharos.referrals import sections
from pharos.referrals.models import Purpose, State
from pharos.tenancy.models import Organisation

TEXT_MAX = 4000


def _other_organisations(own: Organisation | None) -> Any:
    found = Organisation.objects.active().select_related("country").order_by("name")
    return found.exclude(pk=own.pk) if own is not None else found


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    given = forms.TypedChoiceField(
        label=_("The person"),
        choices=[("yes", _("gives consent")), ("no", _("withdraws or refuses consent"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    recipient = forms.ModelChoiceField(
        label=_("Organisation shared with"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Only for the purpose “Sharing with a named organisation”."),
    )
    stated_on = forms.DateField(label=_("Date stated"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, own: Organisation | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"stated_on": timezone.localdate(), "given": "yes"})
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = _other_organisations(own)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("purpose") == Purpose.SHARING and not data.get("recipient"):
            self.add_error("recipient", _("Name the organisation the person agrees to share with."))
        if data.get("stated_on") and data["stated_on"] > timezone.localdate():
            self.add_error("stated_on", _("The date cannot be in the future."))
        return data


class ReferralForm(forms.Form):
    recipient = forms.ModelChoiceField(label=_("Refer to"), queryset=Organisation.objects.none())
    sections = forms.MultipleChoiceField(
        label=_("What the receiver may see"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only what the receiver needs, and only what the person agreed to share."),
    )
    message = forms.CharField(
        label=_("What you ask of the receiver"),
        help_text=_("The receiving organisation reads this: name only what it needs to act."),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    respond_by = forms.DateField(
        label=_("Answer by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    complete_by = forms.DateField(
        label=_("Complete by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, own: Organisation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = _other_organisations(own)  # type: ignore[attr-defined]
        self.fields["sections"].choices = sections.choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        respond, complete = data.get("respond_by"), data.get("complete_by")
        if respond and complete and complete < respond:
            self.add_error("complete_by", _("The completion date cannot be before the answer date."))
        return data


class SendForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Risk to life (only to send without consent)"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Leave empty unless the person's life is at risk; the reason is recorded and shown on the case."
        ),
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Reason or note"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReferralFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("Any")), *State.choices])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class BreakGlassForm(forms.Form):
    reference = forms.CharField(label=_("Case reference"), max_length=64)
    reason = forms.CharField(
        label=_("The emergency"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required. The owning organisation is told at once and reads this reason in its audit log."
        ),
    )
