"""Writes about users, their sessions, languages and API tokens.

Sign-in, two-factor set-up and password resets are performed by allauth; the ``*_record``
actions here write their audit entries (called from ``accounts.signals``). A failed sign-in
never logs the password nor the e-mail typed in clear: people type passwords into the
e-mail field, so only the domain is kept.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from pharos.accounts.models import ApiToken, User, hash_token
from pharos.accounts.queries import has_totp
from pharos.audit import log
from pharos.tenancy.models import Membership

_ANONYMOUS = "anonymous"
TOKEN_RANDOM_BYTES = 30  # 40 URL-safe characters after the prefix
INITIAL_PASSWORD_BYTES = 18


class TokenRefused(ValueError):
    """A token cannot be made for this user and membership (the message says why)."""


def mask_email(email: str) -> str:
    """``…@example.org``: which organisation's address was tried, not whose (or what typo)."""
    _local, at, domain = (email or "").strip().rpartition("@")
    if not at or not domain or " " in domain:
        return "…"
    return "…@" + domain.lower()[:100]


def user_set_language(*, actor: User, language: str) -> User:
    with transaction.atomic():
        actor.preferred_language = language
        actor.save(update_fields=["preferred_language"])
        log.record("accounts.user.language_changed", actor=actor, target=actor, data={"language": language})
    return actor


def user_create(*, actor: User | None, email: str, full_name: str = "") -> tuple[User, str]:
    """A new user with a random initial password, returned once for the administrator to hand over.

    Nothing else is forced: at first sign-in a user whose role needs it must set up
    two-factor sign-in before any other page opens; changing the password is advised.
    """
    password = secrets.token_urlsafe(INITIAL_PASSWORD_BYTES)
    with transaction.atomic():
        user = User.objects.create_user(email, password, full_name=full_name)
        log.record("accounts.user.created", actor=actor, target=user)
    return user, password


def sign_in_record(*, actor: User, methods: list[str]) -> None:
    with transaction.atomic():
        log.record("accounts.user.signed_in", actor=actor, target=actor, data={"methods": methods})


def sign_out_record(*, actor: User) -> None:
    with transaction.atomic():
        log.record("accounts.user.signed_out", actor=actor, target=actor)


def sign_in_failure_record(*, email: str, user: User | None, stage: str = "password") -> None:
    """A wrong password (or second-factor code). ``user`` is the account aimed at, if it exists."""
    with transaction.atomic():
        log.record(
            "accounts.user.sign_in_failed",
            actor=_ANONYMOUS,
            target=user,
            data={"email": mask_email(email), "stage": stage},
        )


def lockout_record(*, email: str, user: User | None) -> None:
    with transaction.atomic():
        log.record(
            "accounts.user.locked_out", actor=_ANONYMOUS, target=user, data={"email": mask_email(email)}
        )


def two_factor_change_record(*, actor: User, kind: str, added: bool) -> None:
    action = "accounts.two_factor.activated" if added else "accounts.two_factor.deactivated"
    with transaction.atomic():
        log.record(action, actor=actor, target=actor, data={"kind": kind})


def password_reset_record(*, actor: User) -> None:
    with transaction.atomic():
        log.record("accounts.password.reset", actor=actor, target=actor)


def password_change_record(*, actor: User) -> None:
    with transaction.atomic():
        log.record("accounts.password.changed", actor=actor, target=actor)


def token_create(
    *,
    actor: User | None,
    user: User,
    membership: Membership,
    name: str,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A personal API token acting for ``membership``; the raw token is returned once, never stored."""
    if membership.user_id != user.pk:
        raise TokenRefused("The membership belongs to someone else.")
    if not membership.is_active or not membership.organisation.is_active:
        raise TokenRefused("The membership is not active.")
    if membership.needs_two_factor and not has_totp(user):
        raise TokenRefused(
            "This role reaches personal data: the user must set up two-factor sign-in before getting a token."
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise TokenRefused("The expiry date is in the past.")
    raw = ApiToken.PREFIX + secrets.token_urlsafe(TOKEN_RANDOM_BYTES)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            membership=membership,
            name=name.strip()[:100] or "token",
            token_hash=hash_token(raw),
            hint=raw[:12],
            expires_at=expires_at,
        )
        log.record(
            "accounts.token.created",
            actor=actor,
            target=token,
            organisation=membership.organisation,
            data={
                "user": str(user.public_id),
                "role": membership.role,
                "name": token.name,
                "hint": token.hint,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
        )
    return token, raw


def token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Stop a token from working (at once; revoking twice changes nothing)."""
    with transaction.atomic():
        locked = (
            ApiToken.objects.select_for_update().select_related("membership__organisation").get(pk=token.pk)
        )
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        log.record(
            "accounts.token.revoked",
            actor=actor,
            target=locked,
            organisation=locked.membership.organisation,
            data={"user": str(locked.user.public_id), "hint": locked.hint},
        )
    return locked
