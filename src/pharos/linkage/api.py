"""API operations of record linkage: the twin of the runs, review and project pages.

Pairs carry the persons' identifiers only when the caller may see both records (the same
rule as the review page), and those reads are audited; otherwise only the organisations.
"""

import uuid
from datetime import date, datetime
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from pharos.api.security import requires
from pharos.linkage import actions, queries
from pharos.linkage.models import CandidatePair, LinkageProject, LinkageRun
from pharos.persons.models import Person
from pharos.tenancy import access

router = Router(tags=["linkage"])

MAX_LIMIT = 200


class RunOut(Schema):
    public_id: uuid.UUID
    scope: str
    status: str
    job: uuid.UUID | None
    parameters: dict[str, float]
    records: int
    pairs_scored: int
    unique_persons: int
    records_merged: int
    review_pairs: int
    decisions_applied: int
    created_at: datetime
    completed_at: datetime | None


class RunIn(Schema):
    """Thresholds left out take the instance's defaults (PHAROS_LINKAGE_* settings)."""

    scope: Literal["organisation", "country"] = "country"
    threshold: float | None = None
    review_low: float | None = None


class RecordOut(Schema):
    organisation: str
    public_id: uuid.UUID | None = None
    reference: str | None = None
    first_name: str | None = None
    second_name: str | None = None
    birth_date: date | None = None
    gender: str | None = None
    citizenships: list[str] | None = None


class PairOut(Schema):
    public_id: uuid.UUID
    run: uuid.UUID
    probability: float
    state: str
    personal_data_shown: bool
    first: RecordOut
    second: RecordOut
    decided_at: datetime | None


class PairPage(Schema):
    items: list[PairOut]
    count: int


class DecisionIn(Schema):
    verdict: Literal["confirm", "reject"]


class ParticipantOut(Schema):
    public_id: uuid.UUID
    name: str
    source: str
    encoded_records: int
    uploaded_at: datetime | None
    result_ready: bool


class ProjectOut(Schema):
    public_id: uuid.UUID
    name: str
    purpose: str
    key_custodian: str
    linkage_unit: str
    linked_at: datetime | None
    totals: dict[str, int]
    participants: list[ParticipantOut]


class CountOut(Schema):
    persons: int
    records_merged: int


def _run(run: LinkageRun) -> dict[str, Any]:
    return {
        "public_id": run.public_id,
        "scope": run.scope,
        "status": run.status,
        "job": run.job.public_id if run.job else None,
        "parameters": run.parameters,
        "records": run.records,
        "pairs_scored": run.pairs_scored,
        "unique_persons": run.clusters,
        "records_merged": run.merged,
        "review_pairs": run.review_pairs,
        "decisions_applied": run.decisions_applied,
        "created_at": run.created_at,
        "completed_at": run.completed_at,
    }


def _record(person: Person, personal: bool) -> dict[str, Any]:
    found: dict[str, Any] = {"organisation": person.organisation.name}
    if personal:
        found.update(
            public_id=person.public_id,
            reference=person.reference,
            first_name=person.first_name,
            second_name=person.second_name,
            birth_date=person.birth_date,
            gender=person.gender,
            citizenships=list(person.citizenships or []),
        )
    return found


def _pairs(request: HttpRequest, pairs: list[CandidatePair]) -> list[dict[str, Any]]:
    seen = queries.persons_seen_by(
        request.user, {p.person_a_id for p in pairs} | {p.person_b_id for p in pairs}
    )
    shown = [p for p in pairs if p.person_a_id in seen and p.person_b_id in seen]
    actions.pair_view(actor=request.user, pairs=shown)
    return [
        {
            "public_id": p.public_id,
            "run": p.run.public_id,
            "probability": p.probability,
            "state": p.state,
            "personal_data_shown": p in shown,
            "first": _record(p.person_a, p in shown),
            "second": _record(p.person_b, p in shown),
            "decided_at": p.decided_at,
        }
        for p in pairs
    ]


def _project(project: LinkageProject) -> dict[str, Any]:
    return {
        "public_id": project.public_id,
        "name": project.name,
        "purpose": project.purpose,
        "key_custodian": project.key_custodian,
        "linkage_unit": project.organisation.name,
        "linked_at": project.linked_at,
        "totals": project.totals,
        "participants": [
            {
                "public_id": p.public_id,
                "name": p.display_name,
                "source": p.source,
                "encoded_records": p.encoded_records,
                "uploaded_at": p.uploaded_at,
                "result_ready": p.result_id is not None,
            }
            for p in project.participants.select_related("organisation")
        ],
    }


@router.get("/linkage/runs", response=list[RunOut], summary="Linkage runs of the organisation, newest first")
@requires("linkage.view")
def list_runs(request: HttpRequest) -> list[dict[str, Any]]:
    return [_run(r) for r in queries.runs_visible_to(request.user)[:100]]


@router.post("/linkage/runs", response={201: RunOut}, summary="Start a linkage run")
@requires("linkage.run")
def start_run(request: HttpRequest, payload: RunIn) -> Status:
    """Queue a de-duplication of the persons of the organisation or of its whole country."""
    threshold = payload.threshold if payload.threshold is not None else settings.PHAROS_LINKAGE_THRESHOLD
    low = payload.review_low if payload.review_low is not None else settings.PHAROS_LINKAGE_REVIEW_LOW
    if not (0 < low <= threshold <= 1):
        raise HttpError(422, "review_low must be above 0 and at most threshold, threshold at most 1.")
    run = actions.run_start(
        actor=request.user, scope=payload.scope, parameters={"threshold": threshold, "review_low": low}
    )
    return Status(201, _run(run))


@router.get("/linkage/runs/{public_id}", response=RunOut, summary="One linkage run")
@requires("linkage.view")
def run_detail(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    return _run(queries.get_run_for_user(request.user, public_id))


@router.get("/linkage/counts", response=CountOut, summary="Unique persons of the organisation")
@requires("linkage.view")
def counts(request: HttpRequest) -> dict[str, Any]:
    """How many persons the organisation's records stand for, by the runs in force."""
    membership = access.acting_membership(request.user)
    assert membership is not None  # requires() checked the capability
    found = queries.unique_person_count([membership.organisation_id])
    return {"persons": found.persons, "records_merged": found.merged}


@router.get("/linkage/pairs", response=PairPage, summary="Pairs for review, most likely first")
@requires("linkage.review")
def list_pairs(
    request: HttpRequest, state: str = "pending", limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """``state``: pending, confirmed, rejected, or empty for all. Identifiers only where you may
    see both records; every pair shown with them is recorded in the audit log."""
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, offset)
    found = queries.pairs_for_review(request.user, state=state)
    return {"items": _pairs(request, list(found[offset : offset + limit])), "count": found.count()}


@router.post("/linkage/pairs/{public_id}/decision", response=PairOut, summary="Decide a pair")
@requires("linkage.review")
def decide_pair(request: HttpRequest, public_id: uuid.UUID, payload: DecisionIn) -> dict[str, Any]:
    """``confirm``: the same person; ``reject``: different persons. The next run respects it."""
    pair = queries.get_pair_for_user(request.user, public_id)
    actions.pair_decide(actor=request.user, pair=pair, verdict=payload.verdict)
    return _pairs(request, [pair])[0]


@router.get("/linkage/projects", response=list[ProjectOut], summary="Linkage projects")
@requires("linkage.projects")
def list_projects(request: HttpRequest) -> list[dict[str, Any]]:
    return [_project(p) for p in queries.projects_visible_to(request.user)[:100]]


@router.get("/linkage/projects/{public_id}", response=ProjectOut, summary="One linkage project")
@requires("linkage.projects")
def project_detail(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    return _project(queries.get_project_for_user(request.user, public_id))
