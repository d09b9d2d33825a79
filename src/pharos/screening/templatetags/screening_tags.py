"""``{% case_screenings case %}``: the screenings of a case on the case page, if the role may see them."""

from __future__ import annotations

from typing import Any

from django import template

from pharos.screening import queries
from pharos.tenancy import access

register = template.Library()


@register.inclusion_tag("screening/_case_screenings.html", takes_context=True)
def case_screenings(context: Any, case: Any) -> dict[str, Any]:
    user = context["request"].user
    if not access.can(user, queries.CAPABILITY):
        return {"shown": False}
    found = queries.screenings_for_case(user, case).defer("alias", "present", "notes")
    return {"shown": True, "case": case, "can_screen": True, "screenings": list(found)}
