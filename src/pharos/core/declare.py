"""How a view says who may reach it. Enforcement lives in CapabilityMiddleware alone.

Every view Pharos serves must carry one declaration: ``public`` (no sign-in),
``signed_in`` (any signed-in user, no organisation capability) or a capability
name from :mod:`pharos.tenancy.capabilities`. A view with no declaration is
refused (fail closed) and the permission-matrix test names it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

PUBLIC: Final = "public"
SIGNED_IN: Final = "signed_in"
ATTRIBUTE: Final = "pharos_access"


def access[F: Callable[..., Any]](declaration: str) -> Callable[[F], F]:
    """Declare the capability (or PUBLIC / SIGNED_IN) a function view needs."""

    def mark(view: F) -> F:
        setattr(view, ATTRIBUTE, declaration)
        return view

    return mark


def public[F: Callable[..., Any]](view: F) -> F:
    return access(PUBLIC)(view)


def signed_in[F: Callable[..., Any]](view: F) -> F:
    return access(SIGNED_IN)(view)


def declaration_of(view: Callable[..., Any]) -> str | None:
    """The declaration of a function view, a class view (``access`` attribute) or None."""
    found = getattr(view, ATTRIBUTE, None)
    if found is None:
        view_class = getattr(view, "view_class", None)
        found = getattr(view_class, ATTRIBUTE, None)
    if found is None:
        found = _third_party_declaration(view)
    return found


# Third-party views we mount: allauth guards its own pages (sign-in, reset, two-factor
# set-up need a signed-in user or none); the API is guarded per operation in pharos.api.
_THIRD_PARTY: Final = {
    "allauth.account.views": PUBLIC,
    "allauth.mfa": PUBLIC,
    "ninja.operation": "api",
    "ninja.openapi.views": PUBLIC,
}


def _third_party_declaration(view: Callable[..., Any]) -> str | None:
    inner = getattr(view, "func", None)  # functools.partial (ninja's schema view)
    module = getattr(inner or view, "__module__", "") or ""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        module = view_class.__module__
    func = getattr(view, "__self__", None)
    if func is not None:
        module = type(func).__module__
    for prefix, declaration in _THIRD_PARTY.items():
        if module.startswith(prefix):
            return declaration
    return None
