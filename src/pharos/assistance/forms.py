"""Forms of the pathway: one model form per kind of measure, and the small action forms.

Forms only shape input; the rules (dates in order, a reason for every end) live in the
models' ``clean`` and are applied again by the actions, so the API gets the same answers.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import modelform_factory
from django.utils.translation import gettext_lazy as _

from pharos.assistance import models as m
from pharos.assistance.measures import MeasureKind
from pharos.tenancy.models import Organisation


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _widget(field: Any, **kwargs: Any) -> Any:
    from django.db import models

    if field.model is m.ReflectionPeriod and field.name in ("duration_days", "warning_days"):
        # Left empty, the country's rule applies (actions.measure_record).
        kwargs["required"] = False
    if isinstance(field, models.DateField):
        return field.formfield(widget=DateInput(), **kwargs)
    if isinstance(field, models.ForeignKey) and field.related_model is Organisation:
        return field.formfield(
            queryset=Organisation.objects.active().select_related("country"), to_field_name="code", **kwargs
        )
    if isinstance(field, models.TextField):
        return field.formfield(widget=forms.Textarea(attrs={"rows": 3}), **kwargs)
    return field.formfield(**kwargs)


class MeasureForm(forms.ModelForm):  # type: ignore[type-arg]
    """Base of the generated forms: validation of the model runs in the action, not here."""

    def _post_clean(self) -> None:
        # The action applies the model's full_clean inside its transaction (one set of rules).
        pass

    def values(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name] for name in self._meta.fields or () if name in self.cleaned_data
        }


def measure_form(kind: MeasureKind) -> type[MeasureForm]:
    made = modelform_factory(kind.model, form=MeasureForm, fields=kind.fields, formfield_callback=_widget)
    return made  # type: ignore[return-value]


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=m.Stage.choices)
    entered_on = forms.DateField(label=_("From"), widget=DateInput())


class StageLeaveForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=m.Stage.choices)
    left_on = forms.DateField(label=_("Left on"), widget=DateInput())


class ReflectionEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput())
    end_reason = forms.ChoiceField(label=_("Why it ended"), choices=m.ReflectionEnd.choices)
    end_note = forms.CharField(
        label=_("Note on the end"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlanReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DateInput())
    outcome = forms.CharField(
        label=_("What changed"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_review_on = forms.DateField(label=_("Next review on"), required=False, widget=DateInput())


class ReflectionRuleForm(forms.Form):
    duration_days = forms.IntegerField(label=_("Duration (days)"), min_value=1, max_value=3650)
    warning_days = forms.IntegerField(
        label=_("Warn this many days before the end"), min_value=0, max_value=365
    )
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300, required=False)
