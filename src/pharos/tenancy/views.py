"""The directory of organisations, an organisation's profile, and the organisation switcher."""

from __future__ import annotations

from uuid import UUID

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from pharos.core.declare import access, signed_in
from pharos.tenancy import actions, queries
from pharos.tenancy.forms import DirectoryFilterForm, SwitchForm

PAGE_SIZE = 50


@access("tenancy.directory")
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    found = queries.organisations_directory(form.to_filter())
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tenancy/directory.html",
        {"form": form, "page_obj": page, "organisations": page.object_list, "filtered": bool(request.GET)},
    )


@access("tenancy.directory")
@require_GET
def organisation(request: HttpRequest, public_id: UUID) -> HttpResponse:
    found = queries.get_organisation(public_id)
    members = queries.members_of(request.user, found)
    return render(
        request,
        "tenancy/organisation.html",
        {"organisation": found, "members": list(members) if members is not None else None},
    )


@signed_in
@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    """Act for another of one's own memberships; 404 for anything else."""
    form = SwitchForm(request.POST)
    if not form.is_valid():
        raise Http404("No such membership.")
    actions.membership_act_as(
        actor=request.user,  # type: ignore[arg-type]
        membership_public_id=form.cleaned_data["membership"],
        session=request.session,
    )
    target = form.cleaned_data["next"] or reverse("core:home")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("core:home")
    return HttpResponseRedirect(target)
