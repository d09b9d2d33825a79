"""Two-factor sign-in is mandatory for every role that reaches personal data.

A signed-in user with such a role and no authenticator app is sent to allauth's TOTP
set-up page from every page but the few needed to get there (allauth's own pages,
sign-out, static files, the language switch, the health check); API calls made with the
browser session get a 403 problem. Roles and capabilities decide who needs it
(``Membership.needs_two_factor``), so a new personal-data capability extends the rule.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from pharos.accounts.queries import has_totp, needs_two_factor
from pharos.api.problems import problem_response

_ALLAUTH_PREFIX = "/accounts/"
_API_PREFIX = "/api/"


class TwoFactorRequiredMiddleware:
    """Sends users who must use two-factor sign-in but have not set it up to the set-up page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(settings, "PHAROS_REQUIRE_2FA", True)
            and not self._exempt(request.path_info)
            and needs_two_factor(user)
            and not has_totp(user)
        ):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        exempt = (
            _ALLAUTH_PREFIX,
            settings.STATIC_URL or "/static/",
            reverse("core:set_language"),
            reverse("core:health"),
        )
        return path.startswith(exempt)

    @staticmethod
    def _refuse(request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(_API_PREFIX):
            return problem_response(
                403,
                "Two-factor sign-in required",
                "Your role reaches personal data: set up an authenticator app (two-factor sign-in) "
                "on the web before using the API.",
            )
        target = reverse("mfa_activate_totp")
        if request.headers.get("HX-Request"):
            # htmx would swap the set-up page into a fragment; ask it to load the whole page.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
