"""``{% case_pathway case %}``: the stage overview and reflection warning on the case page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from pharos.assistance import display, queries
from pharos.tenancy import access

register = template.Library()


@register.inclusion_tag("assistance/_case_pathway.html", takes_context=True)
def case_pathway(context: Any, case: Any) -> dict[str, Any]:
    user = context["request"].user
    if not access.can(user, queries.VIEW):
        return {"shown": False}
    today = timezone.localdate()
    stages = queries.pathway(user, case, with_measures=False)
    return {
        "shown": True,
        "case": case,
        "stages": display.stage_rows(stages, today),
        "reflections": display.reflection_rows(queries.reflection_periods_for(user, case), today),
    }
