"""Template helpers of the UI shell: Bootstrap classes on form widgets, the version."""

from __future__ import annotations

from django import forms, template
from django.utils.safestring import SafeString

import pharos

register = template.Library()

_CHECKS = (forms.CheckboxInput,)
_CHOICE_GROUPS = (forms.RadioSelect, forms.CheckboxSelectMultiple)
_SELECTS = (forms.Select, forms.SelectMultiple)


def widget_class(field: forms.BoundField) -> str:
    """The Bootstrap class a field's widget needs (radio and checkbox groups get none)."""
    widget = field.field.widget
    if isinstance(widget, _CHOICE_GROUPS):
        return ""
    if isinstance(widget, _CHECKS):
        return "form-check-input"
    if isinstance(widget, _SELECTS):
        return "form-select"
    return "form-control"


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, _CHECKS)


@register.filter
def is_choice_group(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, _CHOICE_GROUPS)


@register.filter
def bootstrap_widget(field: forms.BoundField) -> SafeString:
    """Render the widget with its Bootstrap class; Django adds aria-invalid and aria-describedby."""
    classes = [field.field.widget.attrs.get("class", ""), widget_class(field)]
    if field.errors:
        classes.append("is-invalid")
    return field.as_widget(attrs={"class": " ".join(c for c in classes if c)})


@register.simple_tag
def pharos_version() -> str:
    return pharos.__version__
