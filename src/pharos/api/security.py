"""API authentication (personal token or session) and the per-operation capability check.

Every operation is decorated with ``@requires("capability")`` (or ``@requires(SIGNED_IN)``),
which is the API's twin of the view declaration enforced by CapabilityMiddleware; the
permission-matrix test fails for an operation without one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from pharos.accounts.models import ApiToken, hash_token
from pharos.core.declare import ATTRIBUTE, SIGNED_IN
from pharos.tenancy import access, capabilities

_LAST_USED_GRANULARITY = timedelta(minutes=5)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer pht_…``: acts for the membership the token was made for."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.startswith(ApiToken.PREFIX):
            return None
        found = (
            ApiToken.objects.select_related("user", "membership__organisation__country")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if found is None or not found.is_usable or not found.user.is_active:
            return None
        membership = found.membership
        if (
            membership.user_id != found.user_id
            or not membership.is_active
            or not membership.organisation.is_active
        ):
            return None
        if membership.needs_two_factor and not _has_totp(found.user):
            # A token must not outlive the second factor its role requires.
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > _LAST_USED_GRANULARITY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        user = found.user
        access.set_acting(user, found.membership)
        request.user = user
        return user


def _has_totp(user: Any) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class PharosSessionAuth(SessionAuth):
    """The browser's session, with CSRF protection on unsafe methods (ninja's default)."""


def requires[F: Callable[..., Any]](declaration: str) -> Callable[[F], F]:
    """Refuse the operation with 403 unless the caller's acting membership holds ``declaration``."""
    if declaration != SIGNED_IN:
        capabilities.get(declaration)

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if declaration != SIGNED_IN and not access.can(request.user, declaration):
                raise HttpError(403, "Your role in the organisation you act for does not allow this.")
            return func(request, *args, **kwargs)

        setattr(wrapper, ATTRIBUTE, declaration)
        return wrapper  # type: ignore[return-value]

    return decorate
