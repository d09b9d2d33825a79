"""Audit what allauth and Django do on sign-in: receivers that call ``accounts.actions``.

allauth performs sign-in, two-factor set-up and password resets; these receivers only
record them. Connected in ``AccountsConfig.ready``.
"""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed, password_reset
from allauth.mfa.signals import authentication_failed, authenticator_added, authenticator_removed
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from pharos.accounts import actions
from pharos.accounts.models import User


@receiver(user_logged_in, dispatch_uid="pharos.accounts.signed_in")
def on_signed_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    actions.sign_in_record(actor=user, methods=_methods_used(request, user))


def _methods_used(request: Any, user: User) -> list[str]:
    """How this sign-in was proven ("password", "mfa:totp", "mfa:recovery_codes"), from allauth's records."""
    try:
        from allauth.account.internal.flows.login import get_authentication_records

        records = get_authentication_records(request, user) if request is not None else []
    except (ImportError, AttributeError):  # allauth internals moved: keep signing in, log less
        records = []
    methods = [str(r.get("method", "")) + (f":{r['type']}" if r.get("type") else "") for r in records]
    return list(dict.fromkeys(m for m in methods if m))


@receiver(user_logged_out, dispatch_uid="pharos.accounts.signed_out")
def on_signed_out(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        actions.sign_out_record(actor=user)


@receiver(user_login_failed, dispatch_uid="pharos.accounts.sign_in_failed")
def on_sign_in_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # Django has already replaced the password with stars; the e-mail is masked by the action.
    email = str(credentials.get("email") or credentials.get("username") or "")
    user = User.objects.filter(email__iexact=email).first() if email else None
    actions.sign_in_failure_record(email=email, user=user)


@receiver(authentication_failed, dispatch_uid="pharos.accounts.second_factor_failed")
def on_second_factor_failed(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    actions.sign_in_failure_record(email=user.email, user=user, stage="second_factor")


@receiver(authenticator_added, dispatch_uid="pharos.accounts.two_factor_added")
def on_authenticator_added(sender: Any, request: Any, user: User, authenticator: Any, **kwargs: Any) -> None:
    actions.two_factor_change_record(actor=user, kind=str(authenticator.type), added=True)


@receiver(authenticator_removed, dispatch_uid="pharos.accounts.two_factor_removed")
def on_authenticator_removed(
    sender: Any, request: Any, user: User, authenticator: Any, **kwargs: Any
) -> None:
    actions.two_factor_change_record(actor=user, kind=str(authenticator.type), added=False)


@receiver(password_reset, dispatch_uid="pharos.accounts.password_reset")
def on_password_reset(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    actions.password_reset_record(actor=user)


@receiver(password_changed, dispatch_uid="pharos.accounts.password_changed")
def on_password_changed(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    actions.password_change_record(actor=user)
