"""``{% case_referrals case %}``: the consent and referral panel on a case's page."""

from __future__ import annotations

from typing import Any

from django import template

from pharos.referrals import queries
from pharos.tenancy import access

register = template.Library()


@register.inclusion_tag("referrals/_case_panel.html", takes_context=True)
def case_referrals(context: dict[str, Any], case: Any) -> dict[str, Any]:
    user = context["request"].user
    can_view = access.can(user, "referrals.view")
    can_consent = access.can(user, "consent.view")
    return {
        "case": case,
        "show": can_view or can_consent,
        "can_consent": can_consent,
        "can_send": access.can(user, "referrals.send"),
        "referrals": list(queries.referrals_of_case(user, case))
        if access.can(user, "referrals.send")
        else [],
        "overrides": list(queries.overrides_for(user, case)) if can_consent else [],
    }
