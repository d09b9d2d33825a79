"""Pages of the case worker's day: caseload, due and overdue tasks, the case's work page
(timeline, tasks, notes, files, closure), assignment, closure decisions, reopening,
retention periods and a person's export.

Every page that shows case content records it in the audit log (through the cases and
persons actions); each write goes through one action in ``pharos.casework.actions``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pharos.cases import actions as case_actions
from pharos.cases.queries import get_case_for_user
from pharos.cases.validation import Vocabulary
from pharos.casework import actions, export, forms, queries
from pharos.casework.models import RetentionRule
from pharos.core.declare import access
from pharos.persons.queries import get_person_for_user
from pharos.tenancy import access as tenancy_access
from pharos.tenancy.models import Country

PAGE_SIZE = 50


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _attempt(request: HttpRequest, form: Any, write: Callable[[], Any]) -> Any:
    """Run an action; show its refusal on the form (returns None then)."""
    try:
        return write()
    except actions.CaseError as exc:
        form.add_error(None, str(exc))
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("You may not do this."))
    return None


def _workers(request: HttpRequest) -> list[Any]:
    return queries.workers_for_filter(request.user)


@access("cases.view")
@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    vocabulary = Vocabulary()
    form = forms.CaseloadFilterForm(request.GET or None, vocabulary=vocabulary, workers=_workers(request))
    filters = form.filters()
    page = Paginator(queries.caseload(request.user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    cases = list(page.object_list)
    for case in cases:
        case.status_label = vocabulary.label("pharos.victim_status", case.trafficking_status)  # type: ignore[attr-defined]
    actions.caseload_view(actor=request.user, cases=cases)
    return render(
        request,
        "casework/caseload.html",
        {
            "form": form,
            "page_obj": page,
            "cases": cases,
            "counts": queries.task_counts(request.user),
        },
    )


@access("cases.view")
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    scope = request.GET.get("scope", "")
    scope = scope if scope in ("mine", "organisation") else "mine"
    when = request.GET.get("when", "")
    when = when if when in ("overdue", "due", "open") else "due"
    page = Paginator(queries.due_tasks(request.user, scope=scope, when=when), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "casework/tasks.html",
        {"page_obj": page, "tasks": list(page.object_list), "scope": scope, "when": when, "today": _today()},
    )


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()


@access("cases.view")
@require_GET
def case_work(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case = get_case_for_user(request.user, public_id, "cases.view")
    case_actions.case_view(actor=request.user, case=case, purpose="casework")
    can = {c: tenancy_access.can(request.user, c) for c in _CAPABILITIES}
    return render(
        request,
        "casework/case.html",
        {
            "case": case,
            "timeline": queries.timeline(request.user, case),
            "tasks": list(queries.tasks_for(request.user, case)),
            "notes": list(queries.notes_for(request.user, case)),
            "attachments": list(queries.attachments_for(request.user, case)),
            "closures": list(queries.closure_requests_for(request.user, case)),
            "note_form": forms.NoteForm(),
            "can": {k.replace(".", "_"): v for k, v in can.items()},
            "today": _today(),
        },
    )


_CAPABILITIES = (
    "cases.change",
    "cases.assign",
    "cases.transfer",
    "cases.close",
    "cases.approve_closure",
    "cases.reopen",
    "cases.export_person",
)


def _case_form(
    request: HttpRequest,
    public_id: UUID,
    capability: str,
    make: Callable[[Any], Any],
    write: Callable[[Any, Any], Any],
    page: tuple[str, str, str],
    success: str,
) -> HttpResponse:
    """A form page that does one thing to a case, then goes back to the case's work page.

    ``page`` is (heading, submit button, introduction) of the shared form template.
    """
    case = get_case_for_user(request.user, public_id, capability)
    form = make(_posted(request))
    if request.method == "POST" and form.is_valid():
        done = _attempt(request, form, lambda: write(case, form))
        if done is not None:
            messages.success(request, success % {"reference": case.reference})
            return redirect("casework:case", public_id=case.public_id)
    heading, submit, intro = page
    context = {"form": form, "case": case, "heading": heading, "submit": submit, "intro": intro}
    return render(request, "casework/form.html", context, status=422 if form.errors else 200)


@access("cases.change")
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    workers = _workers(request)
    return _case_form(
        request,
        public_id,
        "cases.change",
        lambda data: forms.TaskForm(data, workers=workers, initial={"due_on": _today().isoformat()}),
        lambda case, form: actions.task_create(
            actor=request.user,
            case=case,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            due_on=form.cleaned_data["due_on"],
            assignee=form.chosen_assignee(),
        ),
        (_("Set a task"), _("Set the task"), ""),
        _("A task was set on %(reference)s."),
    )


@access("cases.change")
@require_POST
def task_done(request: HttpRequest, public_id: UUID) -> HttpResponse:
    task = queries.get_task_for_user(request.user, public_id, "cases.change")
    try:
        actions.task_complete(actor=request.user, task=task)
        messages.success(request, _("The task is marked done."))
    except actions.CaseError as exc:
        messages.error(request, str(exc))
    target = request.POST.get("next", "")
    if target == "tasks":
        return redirect("casework:tasks")
    return redirect("casework:case", public_id=task.case.public_id)


@access("cases.change")
@require_http_methods(["GET", "POST"])
def note_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _case_form(
        request,
        public_id,
        "cases.change",
        lambda data: forms.NoteForm(data),
        lambda case, form: actions.note_add(actor=request.user, case=case, text=form.cleaned_data["text"]),
        (_("Add a note"), _("Add the note"), _("Notes are encrypted and erased with the person's data.")),
        _("A note was added to %(reference)s."),
    )


@access("cases.change")
@require_http_methods(["GET", "POST"])
def attachment_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case = get_case_for_user(request.user, public_id, "cases.change")
    form = forms.AttachmentForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        done = _attempt(
            request,
            form,
            lambda: actions.attachment_add(
                actor=request.user,
                case=case,
                content=upload,
                file_name=upload.name,
                document_type=form.cleaned_data["document_type"],
                description=form.cleaned_data["description"],
            ),
        )
        if done is not None:
            messages.success(
                request, _("The file was attached to %(reference)s.") % {"reference": case.reference}
            )
            return redirect("casework:case", public_id=case.public_id)
    intro = _("Accepted: %(types)s, at most %(size)s MB. The type is checked on the file's content.") % {
        "types": ", ".join(actions.allowed_types()),
        "size": max(1, actions.attachment_max_bytes() // (1024 * 1024)),
    }
    context = {
        "form": form,
        "case": case,
        "heading": _("Attach a file"),
        "submit": _("Attach"),
        "intro": intro,
        "multipart": True,
    }
    return render(request, "casework/form.html", context, status=422 if form.errors else 200)


@access("cases.view")
@require_GET
def attachment_download(request: HttpRequest, public_id: UUID) -> HttpResponse:
    item = queries.get_attachment_for_user(request.user, public_id)
    content = actions.attachment_download(actor=request.user, item=item)
    response = HttpResponse(content, content_type=item.media_type)
    name = item.attachment.file_name or f"{item.public_id}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def _quote(name: str) -> str:
    return quote(name, safe="")


@access("cases.assign")
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, public_id: UUID) -> HttpResponse:
    workers = _workers(request)
    return _case_form(
        request,
        public_id,
        "cases.assign",
        lambda data: forms.AssignForm(data, workers=workers, initial={"worker": str(request.user.public_id)}),  # type: ignore[union-attr]
        lambda case, form: actions.case_assign(actor=request.user, case=case, worker=form.chosen_worker()),
        (
            _("Case worker"),
            _("Assign"),
            _("Moving a case another worker holds is a transfer: only a supervisor may do it."),
        ),
        _("%(reference)s has a new case worker."),
    )


@access("cases.close")
@require_http_methods(["GET", "POST"])
def closure_request(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _case_form(
        request,
        public_id,
        "cases.close",
        lambda data: forms.ClosureRequestForm(data),
        lambda case, form: actions.closure_request(
            actor=request.user, case=case, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]
        ),
        (
            _("Ask to close the case"),
            _("Ask for closure"),
            _("A supervisor approves or rejects the closure; until then the case stays open."),
        ),
        _("Closing %(reference)s was requested; a supervisor will decide."),
    )


@access("cases.approve_closure")
@require_GET
def closure_list(request: HttpRequest) -> HttpResponse:
    pending = list(queries.pending_closures(request.user)[:200])
    return render(request, "casework/closures.html", {"requests": pending})


@access("cases.approve_closure")
@require_http_methods(["GET", "POST"])
def closure_decide(request: HttpRequest, public_id: UUID) -> HttpResponse:
    closure = queries.get_closure_request_for_user(request.user, public_id)
    form = forms.ClosureDecisionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            request,
            form,
            lambda: actions.closure_decide(
                actor=request.user,
                request=closure,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("Your decision on %(reference)s was recorded.") % {"reference": closure.case.reference},
            )
            return redirect("casework:case", public_id=closure.case.public_id)
    own = closure.requested_by_id == request.user.pk
    context = {
        "form": form,
        "case": closure.case,
        "own": own,
        "heading": _("Decide on the closure"),
        "submit": _("Record the decision"),
        "intro": _("Reason given: %(reason)s.") % {"reason": closure.get_reason_display()},
    }
    return render(request, "casework/form.html", context, status=422 if form.errors else 200)


@access("cases.reopen")
@require_http_methods(["GET", "POST"])
def reopen(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _case_form(
        request,
        public_id,
        "cases.reopen",
        lambda data: forms.ReopenForm(data),
        lambda case, form: actions.case_reopen(
            actor=request.user, case=case, reason=form.cleaned_data["reason"]
        ),
        (
            _("Reopen the case"),
            _("Reopen"),
            _("The reason is recorded in the audit log and on the timeline."),
        ),
        _("%(reference)s was reopened."),
    )


@access("cases.export_person")
@require_GET
def person_export(request: HttpRequest, public_id: UUID, fmt: str) -> HttpResponse:
    if fmt not in ("json", "pdf"):
        raise Http404("No such format.")
    person = get_person_for_user(request.user, public_id, "persons.view")
    data = export.collect(request.user, person)
    actions.person_export_record(actor=request.user, person=person, output=fmt, counts=export.counts(data))
    if fmt == "pdf":
        body = export.render_pdf(data, base_url=request.build_absolute_uri("/"))
        response = HttpResponse(body, content_type="application/pdf")
    else:
        text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
        response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{person.reference}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@access("cases.retention")
@require_http_methods(["GET", "POST"])
def retention(request: HttpRequest) -> HttpResponse:
    countries = list(Country.objects.order_by("code"))
    form = forms.RetentionForm(_posted(request), countries=countries)
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            request,
            form,
            lambda: actions.retention_rule_set(
                actor=request.user,
                country=form.chosen_country(),
                years=form.cleaned_data["years"],
                legal_basis=form.cleaned_data["legal_basis"],
            ),
        )
        if done is not None:
            messages.success(request, _("The retention period was saved."))
            return redirect("casework:retention")
    return render(
        request,
        "casework/retention.html",
        {
            "form": form,
            "rules": list(RetentionRule.objects.select_related("country", "changed_by")),
            "default_years": actions.retention_years(None),
        },
    )


@access("cases.retention")
@require_POST
def retention_run(request: HttpRequest) -> HttpResponse:
    from pharos.jobs.actions import job_start

    membership = tenancy_access.acting_membership(request.user)
    assert membership is not None
    job = job_start(
        actor=request.user, kind="casework.retention", params={}, organisation=membership.organisation
    )
    return redirect("jobs:detail", public_id=job.public_id)
