"""The user's own personal API tokens: list, create (shown once), revoke."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pharos.accounts import actions, queries
from pharos.accounts.forms import TokenCreateForm
from pharos.core.declare import signed_in


@signed_in
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None, user=request.user)
    raw = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, raw = actions.token_create(
                actor=request.user,  # type: ignore[arg-type]
                user=request.user,  # type: ignore[arg-type]
                membership=form.cleaned_data["membership"],
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
            )
        except actions.TokenRefused as refused:
            form.add_error(None, str(refused))
        else:
            form = TokenCreateForm(user=request.user)
    response = render(
        request,
        "accounts/tokens.html",
        {"form": form, "raw_token": raw, "tokens": list(queries.tokens_of(request.user))},  # type: ignore[arg-type]
        status=400 if request.method == "POST" and raw is None else 200,
    )
    # The new token is in this page only: keep it out of every cache.
    response["Cache-Control"] = "no-store"
    return response


@signed_in
@require_POST
def token_revoke(request: HttpRequest, public_id: UUID) -> HttpResponse:
    token = queries.get_token_for_user(request.user, public_id)  # type: ignore[arg-type]
    actions.token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return HttpResponseRedirect(reverse("accounts:tokens"))
