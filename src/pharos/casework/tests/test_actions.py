"""Case-work rules as the actions enforce them, whoever calls (page, API, another module)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from pharos.audit.models import AuditEvent
from pharos.cases import actions as case_actions
from pharos.cases.actions import CaseError
from pharos.cases.models import CaseState
from pharos.casework import actions
from pharos.casework.models import ClosureState, Task, TaskKind
from pharos.tenancy import access

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 12, 1)


def act(user):
    access.set_acting(user, user.memberships.get())
    return user


def test_task_create_is_idempotent_per_case_kind_and_source(world) -> None:
    first = actions.task_create(
        actor=world.owner,
        case=world.case,
        kind=TaskKind.REFLECTION_PERIOD_END,
        title="Reflection period ends",
        due_on=DAY,
        source="assistance.reflection:1",
    )
    again = actions.task_create(
        actor=world.owner,
        case=world.case,
        kind=TaskKind.REFLECTION_PERIOD_END,
        title="Reflection period ends",
        due_on=DAY,
        source="assistance.reflection:1",
    )
    moved = actions.task_create(
        actor=world.owner,
        case=world.case,
        kind=TaskKind.REFLECTION_PERIOD_END,
        title="Reflection period ends",
        due_on=DAY + datetime.timedelta(days=30),
        source="assistance.reflection:1",
    )
    assert first.pk == again.pk == moved.pk
    assert Task.objects.unscoped("test").get(pk=first.pk).due_on == DAY + datetime.timedelta(days=30)
    assert Task.objects.unscoped("test").filter(case=world.case).count() == 1
    other = actions.task_create(
        actor=world.owner,
        case=world.case,
        kind=TaskKind.PLAN_REVIEW,
        title="Review",
        due_on=DAY,
        source="assistance.reflection:1",
    )
    assert other.pk != first.pk


def test_task_completed_by_source(world) -> None:
    task = actions.task_create(
        actor=world.owner,
        case=world.case,
        kind=TaskKind.PLAN_REVIEW,
        title="Review the plan",
        due_on=DAY,
        source="plan:7",
    )
    done = actions.task_complete_for_source(
        actor=world.owner, case=world.case, kind=TaskKind.PLAN_REVIEW, source="plan:7"
    )
    assert done is not None
    assert done.pk == task.pk
    assert done.done_at is not None
    assert done.done_by == world.owner


def test_a_worker_cannot_approve_their_own_closure(world) -> None:
    act(world.supervisor)
    request = actions.closure_request(actor=world.supervisor, case=world.case, reason="goals_reached")
    with pytest.raises(PermissionDenied):
        actions.closure_decide(actor=world.supervisor, request=request, approve=True)
    world.case.refresh_from_db()
    assert world.case.state == CaseState.CLOSURE_REQUESTED


def test_supervisor_approval_closes_and_the_closed_case_is_read_only(world) -> None:
    request = actions.closure_request(actor=world.owner, case=world.case, reason="declined", note="Moved on")
    act(world.supervisor)
    decided = actions.closure_decide(actor=world.supervisor, request=request, approve=True)
    assert decided.state == ClosureState.APPROVED
    world.case.refresh_from_db()
    assert world.case.state == CaseState.CLOSED
    assert world.case.closure_reason == "declined"
    with pytest.raises(CaseError):
        actions.note_add(actor=world.owner, case=world.case, text="one more thing")
    with pytest.raises(CaseError):
        actions.task_create(actor=world.owner, case=world.case, kind="custom", title="x", due_on=DAY)
    with pytest.raises(CaseError):
        case_actions.case_change(actor=world.owner, case=world.case, changes={"age_at_identification": 30})
    with pytest.raises(CaseError):
        case_actions.event_add(actor=world.owner, case=world.case, values={"event_type": "Transit"})
    with pytest.raises(actions.CaseworkError):
        actions.case_reopen(actor=world.supervisor, case=world.case, reason="")
    actions.case_reopen(actor=world.supervisor, case=world.case, reason="She came back")
    world.case.refresh_from_db()
    assert world.case.state == CaseState.OPEN
    assert world.case.closed_on is None
    actions.note_add(actor=world.owner, case=world.case, text="Back in the programme")
    reopened = AuditEvent.objects.get(action="casework.case.reopened")
    assert "She came back" not in str(reopened.data)


def test_rejection_needs_a_reason_and_reopens_work(world) -> None:
    request = actions.closure_request(actor=world.owner, case=world.case, reason="unreachable")
    act(world.supervisor)
    with pytest.raises(actions.CaseworkError):
        actions.closure_decide(actor=world.supervisor, request=request, approve=False)
    actions.closure_decide(
        actor=world.supervisor, request=request, approve=False, note="Try the shelter first"
    )
    world.case.refresh_from_db()
    assert world.case.state == CaseState.OPEN


def test_transfer_needs_a_supervisor(world) -> None:
    colleague = __import__("pharos.testing", fromlist=["member"]).member(world.org_a, "case_worker")
    act(world.owner)
    actions.case_assign(actor=world.owner, case=world.case, worker=world.owner)
    with pytest.raises(PermissionDenied):
        actions.case_assign(actor=world.owner, case=world.case, worker=colleague)
    act(world.supervisor)
    actions.case_assign(actor=world.supervisor, case=world.case, worker=colleague)
    world.case.refresh_from_db()
    assert world.case.assigned_to == colleague
    assert AuditEvent.objects.filter(action="casework.case.transferred").count() == 1
    with pytest.raises(actions.CaseworkError):
        actions.case_assign(actor=world.supervisor, case=world.case, worker=world.outsider)
