"""Reads about users: who needs two-factor sign-in, a user's own API tokens."""

from __future__ import annotations

import uuid
from typing import Any

from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from pharos.accounts.models import ApiToken, User
from pharos.tenancy import access, roles


def needs_two_factor(user: Any) -> bool:
    """Whether any active membership of ``user`` holds a role that reaches personal data."""
    return any(roles.info(m.role).needs_two_factor for m in access.memberships_of(user))


def has_totp(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first, with what the list shows."""
    return (
        ApiToken.objects.filter(user=user)
        .select_related("membership__organisation__country")
        .order_by("-created_at")
    )


def get_token_for_user(user: User, public_id: Any) -> ApiToken:
    """One of the user's own tokens; 404 for someone else's and for one that does not exist."""
    try:
        return tokens_of(user).get(public_id=public_id)
    except (ApiToken.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such token.") from exc


def find_tokens(hint_or_id: str) -> list[ApiToken]:
    """Tokens named by public id or by the hint printed when they were made (for the CLI)."""
    found = ApiToken.objects.select_related("user", "membership__organisation")
    text = hint_or_id.strip()
    try:
        return list(found.filter(public_id=uuid.UUID(text)))
    except ValueError:
        pass  # not a UUID: a hint
    if len(text) < len(ApiToken.PREFIX) + 4:
        return []
    return list(found.filter(hint__startswith=text[:12]))
