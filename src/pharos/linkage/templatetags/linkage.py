"""``{% also_known_to person %}``: the one line a person or case page needs for record linkage."""

from __future__ import annotations

from typing import Any

from django import template

from pharos.linkage import queries

register = template.Library()


@register.inclusion_tag("linkage/_also_known_to.html", takes_context=True)
def also_known_to(context: dict[str, Any], person: Any) -> dict[str, Any]:
    """Other records of the person: links to those the user may see, organisation names otherwise."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if person is None or user is None:
        return {"known": None}
    return {"known": queries.known_elsewhere(user, person)}
