"""API operations of case work: the twin of the pages, scoped and audited the same way.

Refusals of a rule (closed case, own closure, already decided) answer 409 or 403 as
problem+json; a case, task or request of another organisation answers 404.
"""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from pharos.api.problems import problem_response
from pharos.api.security import requires
from pharos.cases import actions as case_actions
from pharos.cases.queries import get_case_for_user
from pharos.casework import actions, export, queries
from pharos.casework.models import ClosureRequest, Task
from pharos.persons.queries import get_person_for_user

router = Router(tags=["casework"])
MAX_LIMIT = 200


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str


class CaseloadItem(Schema):
    public_id: UUID
    reference: str
    person: str
    trafficking_status: str
    state: str
    assigned_to: str | None
    next_due: date | None
    has_overdue: bool


class CaseloadPage(Schema):
    items: list[CaseloadItem]
    count: int


class TaskIn(Schema):
    kind: str = Field("follow_up", description="reflection_period_end, plan_review, follow_up or custom.")
    title: str
    due_on: date
    assignee: UUID | None = Field(None, description="Public id of a case worker of the organisation.")


class TaskOut(Schema):
    public_id: UUID
    case: str
    kind: str
    title: str | None
    due_on: date
    assignee: str | None
    done_at: datetime | None


class NoteIn(Schema):
    text: str


class NoteOut(Schema):
    public_id: UUID
    text: str | None
    author: str | None
    created_at: datetime


class TimelineOut(Schema):
    occurred_at: datetime
    kind: str
    summary: str
    actor: str
    text: str | None


class AssignIn(Schema):
    worker: UUID = Field(..., description="Public id of a case worker of the organisation.")


class CaseStateOut(Schema):
    public_id: UUID
    reference: str
    state: str
    assigned_to: str | None
    closed_on: date | None
    closure_reason: str


class ClosureIn(Schema):
    reason: str = Field(
        ..., description="goals_reached, declined, unreachable, transferred, deceased, not_a_victim, other."
    )
    note: str = ""


class DecisionIn(Schema):
    approve: bool
    note: str = ""


class ClosureOut(Schema):
    public_id: UUID
    case: str
    reason: str
    state: str
    requested_by: str | None
    decided_by: str | None
    decided_at: datetime | None


class ReopenIn(Schema):
    reason: str


def _refusal(write: Any) -> Any:
    """Run an action; a broken rule becomes 409, a missing right 403."""
    try:
        return write()
    except actions.CaseError as exc:
        return problem_response(409, "Conflict", str(exc))
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "Not allowed.") from exc


def _task(task: Task) -> dict[str, Any]:
    return {
        "public_id": task.public_id,
        "case": task.case.reference,
        "kind": task.kind,
        "title": task.title,
        "due_on": task.due_on,
        "assignee": str(task.assignee) if task.assignee else None,
        "done_at": task.done_at,
    }


def _case_state(case: Any) -> dict[str, Any]:
    return {
        "public_id": case.public_id,
        "reference": case.reference,
        "state": case.state,
        "assigned_to": str(case.assigned_to) if case.assigned_to else None,
        "closed_on": case.closed_on,
        "closure_reason": case.closure_reason,
    }


def _closure(request: ClosureRequest) -> dict[str, Any]:
    return {
        "public_id": request.public_id,
        "case": request.case.reference,
        "reason": request.reason,
        "state": request.state,
        "requested_by": str(request.requested_by) if request.requested_by else None,
        "decided_by": str(request.decided_by) if request.decided_by else None,
        "decided_at": request.decided_at,
    }


def _worker(request: HttpRequest, public_id: UUID | None) -> Any:
    if public_id is None:
        return None
    for worker in queries.workers_for_filter(request.user):
        if worker.public_id == public_id:
            return worker
    raise HttpError(422, "The worker is not a case worker of your organisation.")


@router.get("/caseload", response=CaseloadPage, summary="The caseload: cases by worker, state, deadline")
@requires("cases.view")
def caseload(
    request: HttpRequest,
    scope: str = "mine",
    q: str = "",
    status: str = "",
    state: str = "active",
    worker: str = "",
    overdue: bool = False,
    stage: str = "",
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """``scope``: mine, organisation or unassigned; ``q``: a reference or an exact name or alias.
    Every case returned is recorded in the audit log."""
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, offset)
    filters = queries.CaseloadFilter(
        scope=scope, q=q, status=status, state=state, worker=worker, overdue=overdue, stage=stage
    )
    found = queries.caseload(request.user, filters)
    cases = list(found[offset : offset + limit])
    actions.caseload_view(actor=request.user, cases=cases)
    items = [
        {
            "public_id": c.public_id,
            "reference": c.reference,
            "person": c.person.reference,
            "trafficking_status": c.trafficking_status,
            "state": c.state,
            "assigned_to": str(c.assigned_to) if c.assigned_to else None,
            "next_due": c.next_due,  # type: ignore[attr-defined]
            "has_overdue": bool(c.has_overdue),  # type: ignore[attr-defined]
        }
        for c in cases
    ]
    return {"items": items, "count": found.count()}


@router.get("/tasks", response=list[TaskOut], summary="Open tasks: overdue, due within a week, or all")
@requires("cases.view")
def task_list(request: HttpRequest, scope: str = "mine", when: str = "due") -> list[dict[str, Any]]:
    """``scope``: mine or organisation; ``when``: overdue, due or open."""
    tasks = queries.due_tasks(request.user, scope=scope, when=when)[:MAX_LIMIT]
    return [_task(t) for t in tasks]


@router.post(
    "/cases/{public_id}/tasks", response={201: TaskOut, 409: ProblemOut}, summary="Set a task on a case"
)
@requires("cases.change")
def task_create(request: HttpRequest, public_id: UUID, payload: TaskIn) -> Any:
    case = get_case_for_user(request.user, public_id, "cases.change")
    assignee = _worker(request, payload.assignee)
    done = _refusal(
        lambda: actions.task_create(
            actor=request.user,
            case=case,
            kind=payload.kind,
            title=payload.title,
            due_on=payload.due_on,
            assignee=assignee,
        )
    )
    return done if not isinstance(done, Task) else Status(201, _task(done))


@router.post("/tasks/{public_id}/done", response={200: TaskOut, 409: ProblemOut}, summary="Mark a task done")
@requires("cases.change")
def task_done(request: HttpRequest, public_id: UUID) -> Any:
    task = queries.get_task_for_user(request.user, public_id, "cases.change")
    done = _refusal(lambda: actions.task_complete(actor=request.user, task=task))
    return done if not isinstance(done, Task) else _task(done)


@router.get("/cases/{public_id}/notes", response=list[NoteOut], summary="Notes of a case, newest first")
@requires("cases.view")
def note_list(request: HttpRequest, public_id: UUID) -> list[dict[str, Any]]:
    """Reading the notes is audited as a reading of the case."""
    case = get_case_for_user(request.user, public_id, "cases.view")
    case_actions.case_view(actor=request.user, case=case, purpose="api-notes")
    return [
        {
            "public_id": n.public_id,
            "text": n.text,
            "author": str(n.author) if n.author else None,
            "created_at": n.created_at,
        }
        for n in queries.notes_for(request.user, case)
    ]


@router.post("/cases/{public_id}/notes", response={201: NoteOut, 409: ProblemOut}, summary="Add a note")
@requires("cases.change")
def note_create(request: HttpRequest, public_id: UUID, payload: NoteIn) -> Any:
    case = get_case_for_user(request.user, public_id, "cases.change")
    note = _refusal(lambda: actions.note_add(actor=request.user, case=case, text=payload.text))
    if not hasattr(note, "public_id"):
        return note
    return Status(
        201,
        {
            "public_id": note.public_id,
            "text": note.text,
            "author": str(request.user),
            "created_at": note.created_at,
        },
    )


@router.get(
    "/cases/{public_id}/timeline", response=list[TimelineOut], summary="Everything that happened on a case"
)
@requires("cases.view")
def timeline(request: HttpRequest, public_id: UUID) -> list[Any]:
    case = get_case_for_user(request.user, public_id, "cases.view")
    case_actions.case_view(actor=request.user, case=case, purpose="api-timeline")
    return list(queries.timeline(request.user, case))


@router.put(
    "/cases/{public_id}/assignment",
    response={200: CaseStateOut, 409: ProblemOut},
    summary="Assign the case to a worker (a transfer needs a supervisor)",
)
@requires("cases.assign")
def assign(request: HttpRequest, public_id: UUID, payload: AssignIn) -> Any:
    case = get_case_for_user(request.user, public_id, "cases.assign")
    worker = _worker(request, payload.worker)
    done = _refusal(lambda: actions.case_assign(actor=request.user, case=case, worker=worker))
    return done if not hasattr(done, "reference") else _case_state(done)


@router.post(
    "/cases/{public_id}/closure-requests",
    response={201: ClosureOut, 409: ProblemOut},
    summary="Ask for the case to be closed",
)
@requires("cases.close")
def closure_request(request: HttpRequest, public_id: UUID, payload: ClosureIn) -> Any:
    case = get_case_for_user(request.user, public_id, "cases.close")
    done = _refusal(
        lambda: actions.closure_request(
            actor=request.user, case=case, reason=payload.reason, note=payload.note
        )
    )
    return done if not isinstance(done, ClosureRequest) else Status(201, _closure(done))


@router.post(
    "/closure-requests/{public_id}/decision",
    response={200: ClosureOut, 409: ProblemOut},
    summary="Approve or reject a closure (not your own)",
)
@requires("cases.approve_closure")
def closure_decide(request: HttpRequest, public_id: UUID, payload: DecisionIn) -> Any:
    closure = queries.get_closure_request_for_user(request.user, public_id)
    done = _refusal(
        lambda: actions.closure_decide(
            actor=request.user, request=closure, approve=payload.approve, note=payload.note
        )
    )
    return done if not isinstance(done, ClosureRequest) else _closure(done)


@router.post(
    "/cases/{public_id}/reopen", response={200: CaseStateOut, 409: ProblemOut}, summary="Reopen a closed case"
)
@requires("cases.reopen")
def reopen(request: HttpRequest, public_id: UUID, payload: ReopenIn) -> Any:
    case = get_case_for_user(request.user, public_id, "cases.reopen")
    done = _refusal(lambda: actions.case_reopen(actor=request.user, case=case, reason=payload.reason))
    return done if not hasattr(done, "reference") else _case_state(done)


@router.get("/persons/{public_id}/export", summary="Everything held about one person (JSON)")
@requires("cases.export_person")
def person_export(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    """The person, every case of the organisation about them with its notes, tasks and timeline,
    and what other modules registered. The export is audited (format and counts)."""
    person = get_person_for_user(request.user, public_id, "persons.view")
    data = export.collect(request.user, person)
    actions.person_export_record(actor=request.user, person=person, output="json", counts=export.counts(data))
    return data
