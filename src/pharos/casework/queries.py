"""Reads of case work, always within what the user may see (``visible_to``).

The caseload filters on columns of the case (worker, state, status) and on one EXISTS
subquery for overdue tasks, so a page costs the same few queries at a thousand cases as at
a million. Names are encrypted: a search by name goes through the persons module's blind
index (exact full name or alias), and only reference-shaped text ever reaches SQL.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from pharos.cases.models import CaseState, StatusDecision, VictimCase
from pharos.cases.queries import cases_visible_to
from pharos.casework import registry
from pharos.casework.models import (
    CaseAttachment,
    CaseNote,
    ClosureReason,
    ClosureRequest,
    ClosureState,
    DocumentType,
    Task,
    TaskKind,
    TimelineEntry,
)
from pharos.tenancy import access

_CASE_REFERENCE = re.compile(r"^[A-Za-z]{2}-[A-Za-z0-9-]+-\d{4}-\d{5,}$")
_REFERENCE_TAIL = re.compile(r"^\d{4}-\d{5,}$")
_SUBQUERY = "a subquery correlated with a case list already scoped to the reader"

CASELOAD_FIELDS = (
    "id",
    "public_id",
    "reference",
    "organisation_id",
    "person__reference",
    "person__erased_at",
    "trafficking_status",
    "registered_on",
    "state",
    "closed_on",
    "assigned_to__email",
    "assigned_to__full_name",
)


@dataclass(frozen=True)
class CaseloadFilter:
    """What the worker narrowed the caseload to; every field optional."""

    scope: str = "mine"  # mine | organisation | unassigned
    q: str = ""
    status: str = ""
    state: str = "active"  # active (open or closure requested) | open | closure_requested | closed | all
    worker: str = ""  # a user's public id
    overdue: bool = False
    stage: str = ""  # a stage of the pathway, when pharos.assistance is installed

    def as_query(self) -> dict[str, str]:
        values = {
            "scope": self.scope,
            "q": self.q,
            "status": self.status,
            "state": self.state,
            "worker": self.worker,
            "overdue": "1" if self.overdue else "",
            "stage": self.stage,
        }
        return {k: v for k, v in values.items() if v}


def _overdue(today: datetime.date) -> Exists:
    return Exists(
        Task.objects.unscoped(_SUBQUERY).filter(case=OuterRef("pk"), done_at__isnull=True, due_on__lt=today)
    )


def caseload(
    user: Any, filters: CaseloadFilter, *, today: datetime.date | None = None
) -> QuerySet[VictimCase]:
    """The cases a worker sees on their caseload, narrowed by ``filters``.

    The worker's own cases (and any overdue-only list) come overdue first, then by the next
    deadline; wider lists newest first.
    """
    day = today or timezone.localdate()
    cases = cases_visible_to(user, "cases.view")
    if filters.scope == "mine":
        cases = cases.filter(assigned_to=user)
    elif filters.scope == "unassigned":
        cases = cases.filter(assigned_to__isnull=True)
    if filters.worker:
        cases = (
            cases.filter(assigned_to__public_id=filters.worker) if _is_uuid(filters.worker) else cases.none()
        )
    if filters.state == "active":
        # IN rather than "not closed", so the (organisation, worker, state) index finds only
        # active cases instead of reading every case the worker ever held (bench/caseload).
        cases = cases.filter(state__in=[CaseState.OPEN, CaseState.CLOSURE_REQUESTED])
    elif filters.state in CaseState.values:
        cases = cases.filter(state=filters.state)
    if filters.status:
        cases = cases.filter(trafficking_status=filters.status)
    if filters.q:
        cases = cases.filter(_search(user, filters.q))
    if filters.stage:
        entries = stage_model()
        if entries is None:
            cases = cases.none()
        else:
            current = entries.objects.unscoped(_SUBQUERY).filter(  # type: ignore[attr-defined]
                case=OuterRef("pk"), stage=filters.stage, left_on__isnull=True
            )
            cases = cases.filter(Exists(current))
    overdue = _overdue(day)
    if filters.overdue:
        cases = cases.filter(overdue)
    open_tasks = Task.objects.unscoped(_SUBQUERY).filter(case=OuterRef("pk"), done_at__isnull=True)
    annotated = (
        cases.select_related("person", "assigned_to")
        .only(*CASELOAD_FIELDS)
        .annotate(
            has_overdue=overdue,
            next_due=open_tasks.order_by("due_on").values("due_on")[:1],
        )
    )
    if filters.scope == "mine" or filters.overdue:
        # A worker's own list is short: sort it by deadline (the subqueries run for every row).
        return annotated.order_by("-has_overdue", "next_due", "-registered_on", "-id")
    # An organisation's list may hold a million cases: keep to the index, newest first; the
    # annotations are then computed for the page's rows only.
    return annotated.order_by("-registered_on", "-id")


def stage_model() -> Any:
    """The pathway's stage entries (pharos.assistance), looked up through the app registry.

    Case work does not import the assistance module (which builds on case work); without
    it there is simply no stage filter.
    """
    if not apps.is_installed("pharos.assistance"):
        return None
    try:
        return apps.get_model("assistance", "StageEntry")
    except LookupError:
        return None


def stage_choices() -> list[tuple[str, str]]:
    model = stage_model()
    return list(model._meta.get_field("stage").choices or []) if model is not None else []


def _is_uuid(text: str) -> bool:
    import uuid

    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _search(user: Any, text: str) -> Q:
    """A case reference, a person reference, or (through the blind index) a name or alias."""
    text = " ".join(text.split())
    condition = Q(pk__in=[])
    # Matches are read first as short lists of ids, each through an index; the caseload then
    # filters on those ids. An OR across the join to persons, UPPER(reference) or a subquery
    # would make PostgreSQL walk every case of the organisation (bench/caseload: seconds at a
    # million cases). References are issued in upper case: the typed text and its upper case
    # are matched exactly.
    case_ids: list[int] = []
    if _CASE_REFERENCE.match(text):
        references = list(dict.fromkeys((text, text.upper())))
        visible = cases_visible_to(user, "cases.view")
        case_ids += visible.filter(reference__in=references).values_list("pk", flat=True)
        case_ids += visible.filter(person__reference__in=references).values_list("pk", flat=True)
        condition |= Q(pk__in=case_ids)
    elif _REFERENCE_TAIL.match(text):
        condition |= Q(reference__endswith=f"-{text}") | Q(person__reference__endswith=f"-{text}")
    if access.can(user, "persons.view"):
        from pharos.persons.queries import search_persons

        condition |= Q(person_id__in=list(search_persons(user, text).values_list("pk", flat=True)))
    return condition


def workers_for_filter(user: Any) -> list[Any]:
    from pharos.casework.actions import eligible_workers

    membership = access.acting_membership(user)
    return eligible_workers(membership.organisation) if membership is not None else []


# --- tasks ------------------------------------------------------------------------------------------


def tasks_visible_to(user: Any, capability: str = "cases.view") -> QuerySet[Task]:
    return Task.objects.visible_to(user, capability)  # type: ignore[no-any-return]


def get_task_for_user(user: Any, public_id: Any, capability: str = "cases.change") -> Task:
    try:
        return tasks_visible_to(user, capability).select_related("case").get(public_id=public_id)  # type: ignore[no-any-return]
    except (Task.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such task.") from exc


def due_tasks(
    user: Any, *, scope: str = "mine", when: str = "due", today: datetime.date | None = None, days: int = 7
) -> QuerySet[Task]:
    """Open tasks of open cases: ``overdue`` (before today), ``due`` (overdue or within ``days``), ``open``."""
    day = today or timezone.localdate()
    tasks = tasks_visible_to(user).filter(done_at__isnull=True).exclude(case__state=CaseState.CLOSED)
    if scope == "mine":
        tasks = tasks.filter(assignee=user)
    if when == "overdue":
        tasks = tasks.filter(due_on__lt=day)
    elif when == "due":
        tasks = tasks.filter(due_on__lte=day + datetime.timedelta(days=days))
    return tasks.select_related("case", "assignee").order_by("due_on", "id")


def tasks_for(user: Any, case: VictimCase) -> QuerySet[Task]:
    return (
        tasks_visible_to(user)
        .filter(case=case)
        .select_related("assignee", "done_by")
        .order_by("done_at", "due_on", "id")
    )


def task_counts(user: Any, today: datetime.date | None = None) -> dict[str, int]:
    """How many open tasks of the reader are overdue and due today (for the caseload header)."""
    day = today or timezone.localdate()
    found = (
        tasks_visible_to(user)
        .filter(done_at__isnull=True, assignee=user)
        .exclude(case__state=CaseState.CLOSED)
        .aggregate(overdue=Count("id", filter=Q(due_on__lt=day)), today=Count("id", filter=Q(due_on=day)))
    )
    return {k: int(v or 0) for k, v in found.items()}


# --- notes, attachments, closure ----------------------------------------------------------------------


def notes_for(user: Any, case: VictimCase) -> QuerySet[CaseNote]:
    return CaseNote.objects.visible_to(user, "cases.view").filter(case=case).select_related("author")  # type: ignore[no-any-return]


def attachments_for(user: Any, case: VictimCase) -> QuerySet[CaseAttachment]:
    return (
        CaseAttachment.objects.visible_to(user, "cases.view")
        .filter(case=case)
        .select_related("uploaded_by", "attachment")
    )  # type: ignore[no-any-return]


def get_attachment_for_user(user: Any, public_id: Any) -> CaseAttachment:
    try:
        return (
            CaseAttachment.objects.visible_to(user, "cases.view")
            .select_related("case", "attachment")
            .get(public_id=public_id, erased_at__isnull=True)
        )  # type: ignore[no-any-return]
    except (CaseAttachment.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such file.") from exc


def closure_requests_for(user: Any, case: VictimCase) -> QuerySet[ClosureRequest]:
    return (
        ClosureRequest.objects.visible_to(user, "cases.view")
        .filter(case=case)
        .select_related("requested_by", "decided_by")
    )  # type: ignore[no-any-return]


def pending_closures(user: Any) -> QuerySet[ClosureRequest]:
    return (
        ClosureRequest.objects.visible_to(user, "cases.approve_closure")
        .filter(state=ClosureState.PENDING)
        .select_related("case", "requested_by")
        .order_by("requested_at")
    )  # type: ignore[no-any-return]


def get_closure_request_for_user(user: Any, public_id: Any) -> ClosureRequest:
    try:
        return (
            ClosureRequest.objects.visible_to(user, "cases.approve_closure")
            .select_related("case", "requested_by")
            .get(public_id=public_id)
        )  # type: ignore[no-any-return]
    except (ClosureRequest.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such request.") from exc


# --- timeline ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineItem:
    occurred_at: datetime.datetime
    kind: str
    summary: str
    actor: str
    text: str | None


_CHOICE_LABELS = {
    "reason": dict(ClosureReason.choices),
    "document_type": dict(DocumentType.choices),
    "kind": dict(TaskKind.choices),
}


def _readable(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for key, labels in _CHOICE_LABELS.items():
        if key in out and out[key] in labels:
            out[key] = str(labels[out[key]])
    return out


def _at_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def timeline(user: Any, case: VictimCase, limit: int = 500) -> list[TimelineItem]:
    """Everything that happened on the case, newest first: its opening, status decisions and entries.

    Entries are written by case work and by other modules (registered kinds). The audit log
    is not read here: it is for accountability, and its reads are themselves audited.
    """
    from django.utils.translation import gettext as _

    items = [
        TimelineItem(
            occurred_at=entry.occurred_at,
            kind=entry.kind,
            summary=registry.describe(entry.kind, _readable(entry.data)),
            actor=str(entry.actor) if entry.actor else "",
            text=entry.text,
        )
        for entry in TimelineEntry.objects.visible_to(user, "cases.view")
        .filter(case=case)
        .select_related("actor")
        .order_by("-occurred_at", "-id")[:limit]
    ]
    from pharos.cases.validation import Vocabulary

    vocabulary = Vocabulary()
    for decision in (
        StatusDecision.objects.visible_to(user, "cases.view").filter(case=case).select_related("recorded_by")
    ):
        items.append(
            TimelineItem(
                occurred_at=_at_noon(decision.decided_on),
                kind="cases.case.status_decided",
                summary=_("Status decided: %(status)s")
                % {"status": vocabulary.label("pharos.victim_status", decision.status)},
                actor=str(decision.recorded_by) if decision.recorded_by else "",
                text=decision.note,
            )
        )
    items.append(
        TimelineItem(
            occurred_at=_at_noon(case.registered_on),
            kind="cases.case.created",
            summary=_("Case registered"),
            actor=str(case.created_by) if case.created_by_id and case.created_by else "",
            text=None,
        )
    )
    items.sort(key=lambda item: item.occurred_at, reverse=True)
    return items[:limit]
