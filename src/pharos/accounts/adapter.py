"""allauth adapter: no self-registration, lockout that says how long to wait, and its audit entry.

Accounts are created by administrators (``pharos user create``). Repeated failures lock
the account through allauth's ``login_failed`` rate limit; the failure that reaches the
limit is audited once as ``accounts.user.locked_out`` (the refusals that follow are not,
so an attacker cannot flood the audit log).
"""

from __future__ import annotations

import math
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import ratelimit
from allauth.core.internal.ratelimit import parse_rates
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import ngettext

from pharos.core.middleware import client_ip


def lockout_minutes() -> int:
    """The longest window of the ``login_failed`` rate limit, in minutes (how long to wait)."""
    rates = parse_rates(getattr(settings, "ACCOUNT_RATE_LIMITS", {}).get("login_failed"))
    longest = max((rate.duration for rate in rates), default=15 * 60)
    return max(1, math.ceil(longest / 60))


class PharosAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_login_redirect_url(self, request: HttpRequest) -> Any:
        return "/"

    def get_client_ip(self, request: HttpRequest) -> str:
        # The same address the audit log records (PHAROS_CLIENT_IP_HEADER behind a proxy).
        return client_ip(request) or super().get_client_ip(request)

    def validation_error(self, code: str, *args: Any) -> ValidationError:
        if code == "too_many_login_attempts":
            minutes = lockout_minutes()
            message = ngettext(
                "Too many failed sign-in attempts: this account is locked for now. "
                "Wait %(minutes)d minute, then try again, or reset your password.",
                "Too many failed sign-in attempts: this account is locked for now. "
                "Wait %(minutes)d minutes, then try again, or reset your password.",
                minutes,
            ) % {"minutes": minutes}
            return ValidationError(message, code=code)
        return super().validation_error(code, *args)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        """After a wrong password: if this failure used up the allowance, audit the lockout."""
        super().authentication_failed(request, **credentials)
        key = self._get_login_attempts_cache_key(request, **credentials)
        if ratelimit.consume(request, action="login_failed", key=key, dry_run=True):
            return
        from pharos.accounts.actions import lockout_record
        from pharos.accounts.models import User

        email = str(credentials.get("email") or credentials.get("username") or "")
        lockout_record(email=email, user=User.objects.filter(email__iexact=email).first() if email else None)
