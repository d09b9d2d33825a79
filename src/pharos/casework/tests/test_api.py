"""The case-work API: the same rules and the same scoping as the pages."""

from __future__ import annotations

import json

import pytest

from pharos.cases.models import CaseState, VictimCase
from pharos.casework.models import ClosureRequest

pytestmark = pytest.mark.django_db


def _post(client, url: str, data: dict) -> object:
    return client.post(url, json.dumps(data), content_type="application/json")


def test_closure_over_the_api_needs_another_supervisor(world, client_for) -> None:
    boss = client_for(world.supervisor)
    case_url = f"/api/cases/{world.case.public_id}"
    response = _post(boss, f"{case_url}/closure-requests", {"reason": "deceased"})
    assert response.status_code == 201
    request_id = response.json()["public_id"]
    own = _post(boss, f"/api/closure-requests/{request_id}/decision", {"approve": True})
    assert own.status_code == 403
    assert own["Content-Type"].startswith("application/problem+json")
    ClosureRequest.objects.unscoped("test").filter(public_id=request_id).update(requested_by=world.owner)
    approved = _post(boss, f"/api/closure-requests/{request_id}/decision", {"approve": True})
    assert approved.status_code == 200
    assert approved.json()["state"] == "approved"
    assert VictimCase.objects.unscoped("test").get(pk=world.case.pk).state == CaseState.CLOSED
    closed = _post(client_for(world.owner), f"{case_url}/notes", {"text": "late"})
    assert closed.status_code == 409
    reopened = _post(boss, f"{case_url}/reopen", {"reason": "She asked for help again"})
    assert reopened.status_code == 200
    assert reopened.json()["state"] == "open"


def test_tasks_notes_and_caseload_over_the_api(world, client_for) -> None:
    worker = client_for(world.owner)
    case_url = f"/api/cases/{world.case.public_id}"
    assigned = worker.put(
        f"{case_url}/assignment",
        json.dumps({"worker": str(world.owner.public_id)}),
        content_type="application/json",
    )
    assert assigned.status_code == 200
    task = _post(
        worker, f"{case_url}/tasks", {"kind": "plan_review", "title": "Review", "due_on": "2020-01-01"}
    )
    assert task.status_code == 201
    overdue = worker.get("/api/tasks", {"when": "overdue"}).json()
    assert [t["public_id"] for t in overdue] == [task.json()["public_id"]]
    caseload = worker.get("/api/caseload", {"overdue": "true"}).json()
    assert caseload["count"] == 1
    assert caseload["items"][0]["has_overdue"] is True
    assert _post(worker, f"{case_url}/notes", {"text": "Met at the shelter"}).status_code == 201
    notes = worker.get(f"{case_url}/notes").json()
    assert notes[0]["text"] == "Met at the shelter"
    timeline = worker.get(f"{case_url}/timeline").json()
    kinds = [entry["kind"] for entry in timeline]
    assert "casework.note.added" in kinds
    assert "casework.case.assigned" in kinds
    colleague = __import__("pharos.testing", fromlist=["member"]).member(world.org_a, "case_worker")
    transfer = worker.put(
        f"{case_url}/assignment",
        json.dumps({"worker": str(colleague.public_id)}),
        content_type="application/json",
    )
    assert transfer.status_code == 403


def test_person_export_over_the_api_is_for_supervisors(world, client_for) -> None:
    url = f"/api/persons/{world.case.person.public_id}/export"
    data = client_for(world.supervisor).get(url).json()
    assert data["person"]["reference"] == world.case.person.reference
    assert len(data["cases"]) == 1
    assert client_for(world.owner).get(url).status_code == 403
