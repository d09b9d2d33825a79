"""Pages of record linkage: runs, the review queue, PPRL projects.

The review queue shows a pair's personal data side by side only to a user who may see both
records (``persons.view`` on each); anyone else with ``linkage.review`` sees the
organisations and the match probability, nothing about the persons. Showing personal data
is audited per pair (``linkage.pair.viewed``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pharos.core.declare import access
from pharos.linkage import actions, queries
from pharos.linkage.forms import DecideForm, ProjectForm, ReviewFilterForm, RunStartForm, UploadForm
from pharos.linkage.models import CandidatePair
from pharos.tenancy import access as tenancy_access

PAGE_SIZE = 25


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- runs -----------------------------------------------------------------------------------------


@access("linkage.view")
@require_GET
def run_list(request: HttpRequest) -> HttpResponse:
    runs = list(queries.runs_visible_to(request.user)[:50])
    can_run = tenancy_access.can(request.user, "linkage.run")
    return render(
        request,
        "linkage/runs.html",
        {
            "runs": runs,
            "form": RunStartForm() if can_run else None,
            "can_review": tenancy_access.can(request.user, "linkage.review"),
            "can_projects": tenancy_access.can(request.user, "linkage.projects"),
        },
    )


@access("linkage.run")
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    form = RunStartForm(request.POST)
    if not form.is_valid():
        runs = list(queries.runs_visible_to(request.user)[:50])
        return render(request, "linkage/runs.html", {"runs": runs, "form": form}, status=422)
    run = actions.run_start(
        actor=request.user, scope=form.cleaned_data["scope"], parameters=form.parameters()
    )
    messages.success(request, _("The linkage run was started; it runs in the background."))
    return redirect("linkage:run_detail", public_id=run.public_id)


@access("linkage.view")
@require_GET
def run_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    run = queries.get_run_for_user(request.user, public_id)
    return render(
        request,
        "linkage/run_detail.html",
        {"run": run, "can_review": tenancy_access.can(request.user, "linkage.review")},
    )


# --- the review queue -----------------------------------------------------------------------------


def _rows(request: HttpRequest, pairs: list[CandidatePair]) -> list[dict[str, Any]]:
    """Each pair with whether its personal data may be shown; those shown are audited."""
    seen = queries.persons_seen_by(
        request.user, {p.person_a_id for p in pairs} | {p.person_b_id for p in pairs}
    )
    shown = [p for p in pairs if p.person_a_id in seen and p.person_b_id in seen]
    actions.pair_view(actor=request.user, pairs=shown)
    return [{"pair": p, "personal": p in shown} for p in pairs]


@access("linkage.review")
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    form = ReviewFilterForm(request.GET or {"state": "pending"})
    state, only_seen = "pending", False
    if form.is_valid():
        state, only_seen = form.cleaned_data["state"], form.cleaned_data["seen"]
    pairs = queries.pairs_for_review(request.user, state=state)
    if only_seen:
        pairs = queries.only_seen(request.user, pairs)
    page = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "rows": _rows(request, list(page.object_list)),
        "can_review": True,
        "can_projects": tenancy_access.can(request.user, "linkage.projects"),
    }
    template = "linkage/review.html#results" if _htmx(request) else "linkage/review.html"
    return render(request, template, context)


@access("linkage.review")
@require_POST
def pair_decide(request: HttpRequest, public_id: UUID) -> HttpResponse:
    pair = queries.get_pair_for_user(request.user, public_id)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=422)
    actions.pair_decide(actor=request.user, pair=pair, verdict=form.cleaned_data["verdict"])
    if _htmx(request):
        seen = queries.persons_seen_by(request.user, [pair.person_a_id, pair.person_b_id])
        row = {"pair": pair, "personal": {pair.person_a_id, pair.person_b_id} <= seen}
        return render(request, "linkage/review.html#pair", {"row": row, "decided_now": True})
    messages.success(request, _("Your decision was recorded; the next run respects it."))
    return redirect("linkage:review")


# --- PPRL projects --------------------------------------------------------------------------------


@access("linkage.projects")
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    projects = list(queries.projects_visible_to(request.user)[:100])
    return render(
        request,
        "linkage/projects.html",
        {
            "projects": projects,
            "can_review": tenancy_access.can(request.user, "linkage.review"),
            "can_projects": True,
        },
    )


@access("linkage.projects")
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisations, external = form.participants()
        try:
            project = actions.project_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                purpose=form.cleaned_data["purpose"],
                key_custodian=form.cleaned_data["key_custodian"],
                organisations=organisations,
                external=external,
            )
        except actions.LinkageError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The linkage project was created."))
            return redirect("linkage:project_detail", public_id=project.public_id)
    return render(request, "linkage/project_form.html", {"form": form})


def _project_context(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    project = queries.get_project_for_user(request.user, public_id)
    unit = queries.is_linkage_unit(request.user, project)
    membership = tenancy_access.acting_membership(request.user)
    participants = list(project.participants.select_related("organisation"))
    mine = [
        p for p in participants if unit or (membership and p.organisation_id == membership.organisation_id)
    ]
    return {
        "project": project,
        "participants": participants,
        "mine": {p.pk for p in mine},
        "unit": unit,
        "ready": all(p.encodings_id for p in participants),
        "upload_form": UploadForm(),
    }


@access("linkage.projects")
@require_GET
def project_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return render(request, "linkage/project_detail.html", _project_context(request, public_id))


@access("linkage.projects")
@require_POST
def participant_upload(request: HttpRequest, public_id: UUID, participant_id: UUID) -> HttpResponse:
    project = queries.get_project_for_user(request.user, public_id)
    participant = queries.get_participant_for_user(request.user, project, participant_id)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            actions.participant_upload(
                actor=request.user, participant=participant, data=upload.read(), file_name=upload.name
            )
        except actions.LinkageError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("The encodings of %(source)s were uploaded.") % {"source": participant.source}
            )
    elif form.has_error("file", "too_large"):
        messages.error(request, " ".join(str(e) for e in form.errors["file"]))
    else:
        messages.error(request, _("Choose an encodings file to upload."))
    return redirect("linkage:project_detail", public_id=project.public_id)


@access("linkage.projects")
@require_POST
def project_link(request: HttpRequest, public_id: UUID) -> HttpResponse:
    project = queries.get_project_for_user(request.user, public_id)
    if not queries.is_linkage_unit(request.user, project):
        raise PermissionDenied
    try:
        project = actions.project_link_start(actor=request.user, project=project)
    except actions.LinkageError as exc:
        messages.error(request, str(exc))
        return redirect("linkage:project_detail", public_id=project.public_id)
    messages.success(request, _("The link was started; it runs in the background."))
    assert project.job is not None
    return redirect("jobs:detail", public_id=project.job.public_id)


@access("linkage.projects")
@require_GET
def participant_download(request: HttpRequest, public_id: UUID, participant_id: UUID) -> HttpResponse:
    project = queries.get_project_for_user(request.user, public_id)
    participant = queries.get_participant_for_user(request.user, project, participant_id)
    try:
        content = actions.participant_result_download(actor=request.user, participant=participant)
    except actions.LinkageError as exc:
        messages.error(request, str(exc))
        return redirect("linkage:project_detail", public_id=project.public_id)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{participant.source}-result.zip"'
    return response
