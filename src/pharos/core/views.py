"""The home page, the language switch and the health check."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.http import require_GET, require_POST

from pharos.core.declare import public, signed_in


@signed_in
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@public
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the UI language and remember it in a cookie (and on the user, when signed in)."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language and check_for_language(language):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
            httponly=True,
        )
        if request.user.is_authenticated:
            from pharos.accounts.actions import user_set_language

            user_set_language(actor=request.user, language=language)
    return response


@public
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
