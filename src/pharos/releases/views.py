"""Pages of the releases module inside the system: list, build, detail, approve, publish, files."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pharos.core.declare import access
from pharos.releases import actions, presentation, queries
from pharos.releases.forms import ReleaseForm
from pharos.releases.models import ImmutableRelease, Status
from pharos.tenancy.access import can


@access("releases.view")
@require_http_methods(["GET"])
def release_list(request: HttpRequest) -> HttpResponse:
    releases = queries.releases_visible_to(request.user).order_by("-version")
    ledger = queries.ledger_of(request.user)
    return render(
        request,
        "releases/list.html",
        {"releases": releases, "ledger": ledger, "can_build": can(request.user, queries.BUILD)},
    )


@access("releases.build")
@require_http_methods(["GET", "POST"])
def release_new(request: HttpRequest) -> HttpResponse:
    form = ReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        release = actions.release_start(
            actor=request.user,
            title=form.cleaned_data["title"],
            method=form.cleaned_data["method"],
            parameters=form.parameters(),
        )
        messages.info(request, _("The release is being built; this page shows it when it is ready."))
        return redirect("releases:detail", public_id=release.public_id)
    return render(request, "releases/new.html", {"form": form})


@access("releases.view")
@require_http_methods(["GET"])
def release_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    release = queries.get_release_for_user(request.user, public_id)
    user = request.user
    return render(
        request,
        "releases/detail.html",
        {
            "release": release,
            "tables": presentation.tables_for_display(release.summary),
            "privacy": presentation.privacy_lines(release.summary),
            "files": release.files.all(),
            "citation": queries.citation(release) if release.content_hash else "",
            "utility": release.utility.get("lengths", {}),
            "can_approve": release.status == Status.BUILT
            and can(user, queries.REVIEW)
            and release.built_by_id != user.pk,
            "can_publish": release.status == Status.APPROVED
            and can(user, queries.PUBLISH)
            and release.built_by_id != user.pk,
        },
    )


@access("releases.review")
@require_POST
def release_approve(request: HttpRequest, public_id: str) -> HttpResponse:
    release = queries.get_release_for_user(request.user, public_id, queries.REVIEW)
    try:
        actions.release_approve(actor=request.user, release=release)
        messages.success(request, _("The release is approved."))
    except actions.ReleaseRefused as exc:
        messages.error(request, str(exc))
    return redirect("releases:detail", public_id=release.public_id)


@access("releases.publish")
@require_POST
def release_publish(request: HttpRequest, public_id: str) -> HttpResponse:
    release = queries.get_release_for_user(request.user, public_id, queries.PUBLISH)
    try:
        actions.release_publish(actor=request.user, release=release)
        messages.success(request, _("The release is published."))
    except (actions.ReleaseRefused, ImmutableRelease) as exc:
        messages.error(request, str(exc))
    return redirect("releases:detail", public_id=release.public_id)


@access("releases.view")
@require_http_methods(["GET"])
def release_file(request: HttpRequest, public_id: str, name: str) -> HttpResponse:
    release = queries.get_release_for_user(request.user, public_id)
    stored = release.files.filter(name=name).first()
    if stored is None:
        raise Http404
    response = HttpResponse(bytes(stored.content), content_type=stored.media_type)
    response["Content-Disposition"] = f'attachment; filename="v{release.version}-{stored.name}"'
    response["Cache-Control"] = "no-store"
    return response
