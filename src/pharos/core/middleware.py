"""Request id, and the one place where a view's declared capability is enforced."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import translation

from pharos.core import context
from pharos.core.declare import PUBLIC, SIGNED_IN, declaration_of
from pharos.tenancy import access, capabilities

logger = logging.getLogger(__name__)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


def client_ip(request: HttpRequest) -> str | None:
    # Behind a proxy, deployments set PHAROS_TRUSTED_PROXY_HEADER; REMOTE_ADDR otherwise.
    header = getattr(settings, "PHAROS_CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        return str(request.META[header]).split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestIdMiddleware:
    """Gives each request an id (or keeps a well-formed incoming one) for logs and audit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = context.activate(context.RequestContext(request_id=request_id, ip_address=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            context.deactivate(token)
        response["X-Request-ID"] = request_id
        return response


class CapabilityMiddleware:
    """Refuses a view unless the user holds what the view declares (see core.declare)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        declaration = declaration_of(view_func)
        if declaration is None:
            if settings.DEBUG:
                raise ImproperlyConfigured(f"View {view_func!r} declares no access; see pharos.core.declare.")
            logger.error("View %r declares no access: refused.", view_func)
            return forbidden(request)
        if declaration in (PUBLIC, "api"):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if declaration == SIGNED_IN:
            return None
        capabilities.get(declaration)
        if not access.can(request.user, declaration):
            return forbidden(request)
        return None


def forbidden(request: HttpRequest) -> HttpResponse:
    membership = access.acting_membership(request.user)
    return TemplateResponse(
        request, "core/forbidden.html", {"has_membership": membership is not None}, status=403
    )


class PreferredLanguageMiddleware:
    """A signed-in user's chosen language follows them to a new browser.

    The language switch stores the choice in a cookie and on the user; where the cookie is
    missing (another device, cleared cookies), the stored choice applies and the cookie is set.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        preferred = (
            getattr(user, "preferred_language", "") if user is not None and user.is_authenticated else ""
        )
        adopt = bool(
            preferred
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and translation.check_for_language(preferred)
        )
        if adopt:
            translation.activate(preferred)
            request.LANGUAGE_CODE = translation.get_language()  # type: ignore[attr-defined]
        response = self.get_response(request)
        if adopt:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                preferred,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
                secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
                httponly=True,
            )
        return response
