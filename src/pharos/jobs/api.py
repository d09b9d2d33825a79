"""API operations of the jobs module: follow one job (status, progress, log lines)."""

import uuid
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from pharos.api.security import requires
from pharos.jobs import queries
from pharos.jobs.models import Job

router = Router(tags=["jobs"])


class LogLineOut(Schema):
    at: datetime
    level: str
    message: str


class JobOut(Schema):
    public_id: uuid.UUID
    kind: str
    kind_label: str
    status: str
    progress_done: int
    progress_total: int | None
    percent: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    result: dict[str, Any]
    error: str
    log: list[LogLineOut]


def job_out(job: Job) -> dict[str, Any]:
    return {
        "public_id": job.public_id,
        "kind": job.kind,
        "kind_label": job.kind_label,
        "status": job.status,
        "progress_done": job.progress_done,
        "progress_total": job.progress_total,
        "percent": job.percent,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "result": job.result,
        "error": job.error,
        "log": [
            {"at": line.at, "level": line.level, "message": line.text} for line in queries.log_lines(job)
        ],
    }


@router.get("/jobs/{public_id}", response=JobOut, summary="One background job")
@requires("jobs.view")
def job_detail(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """Status, progress and the last log lines of a job of the organisation you act for."""
    return job_out(queries.get_job_for_user(request.user, public_id, "jobs.view"))
