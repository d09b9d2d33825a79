"""Who is acting for which organisation, and whether that acting membership may do a thing.

The acting membership is chosen per session (the organisation switcher) or fixed by
an API token; middleware and token authentication put it on ``user.pharos_acting``.
Everything else asks here, so there is one answer to "may this user do this now".
"""

from __future__ import annotations

from typing import Any

from pharos.tenancy.models import Membership

ACTING_ATTRIBUTE = "pharos_acting"
REMEMBERED_ATTRIBUTE = "_pharos_memberships"
SESSION_KEY = "pharos_acting_membership"


def acting_membership(user: Any) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    membership = getattr(user, ACTING_ATTRIBUTE, None)
    if membership is None or not membership.is_active or not membership.organisation.is_active:
        return None
    return membership  # type: ignore[no-any-return]


def set_acting(user: Any, membership: Membership | None) -> None:
    setattr(user, ACTING_ATTRIBUTE, membership)


def can(user: Any, capability: str) -> bool:
    membership = acting_membership(user)
    return membership is not None and membership.has(capability)


def memberships_of(user: Any) -> list[Membership]:
    """The active memberships a user may act through, in a stable order.

    Inside a request the list is read once (``remember_memberships``, called by the
    middleware): the two-factor check, the acting organisation, the page's scope and the
    navigation all ask for it. Outside a request (jobs, commands, tests) it is read each time.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    remembered = getattr(user, REMEMBERED_ATTRIBUTE, None)
    if remembered is not None:
        return list(remembered)
    return _read_memberships(user)


def remember_memberships(user: Any) -> list[Membership]:
    """Read the user's memberships once for the rest of this request (the user object is the request's)."""
    memberships = _read_memberships(user)
    setattr(user, REMEMBERED_ATTRIBUTE, memberships)
    return memberships


def forget_memberships(user: Any) -> None:
    if hasattr(user, REMEMBERED_ATTRIBUTE):
        delattr(user, REMEMBERED_ATTRIBUTE)


def _read_memberships(user: Any) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
        .select_related("organisation", "organisation__country")
        .order_by("organisation__name", "role")
    )


def resolve_acting(user: Any, wanted_public_id: str | None) -> Membership | None:
    """The membership named in the session if still valid, else the user's oldest one."""
    memberships = memberships_of(user)
    for membership in memberships:
        if str(membership.public_id) == wanted_public_id:
            return membership
    # The first membership granted is the user's home organisation: act for it by default.
    return min(memberships, key=lambda m: (m.created_at, m.pk)) if memberships else None
