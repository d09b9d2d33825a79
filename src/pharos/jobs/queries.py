"""Reads of background jobs, scoped to the acting organisation (system jobs: administrators)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from pharos.jobs import live
from pharos.jobs.models import Job, JobLogLine, JobStatus

LOG_LINES_SHOWN = 500


def jobs_visible_to(user: Any, capability: str = "jobs.view") -> QuerySet[Job]:
    """The jobs the user may follow, newest first."""
    jobs: QuerySet[Job] = Job.objects.visible_to(user, capability).select_related(
        "created_by", "organisation"
    )
    return jobs.order_by("-created_at", "-id")


def get_job_for_user(user: Any, public_id: uuid.UUID | str, capability: str = "jobs.view") -> Job:
    """One job, or 404 for both "no such job" and "not yours"."""
    try:
        job = jobs_visible_to(user, capability).get(public_id=public_id)
    except (Job.DoesNotExist, ValueError) as exc:
        raise Http404("No such job") from exc
    if job.status == JobStatus.RUNNING:
        job.progress_done, job.progress_total = live.read(job, job.progress_done, job.progress_total)
    return job


def log_lines(job: Job, limit: int = LOG_LINES_SHOWN) -> list[JobLogLine]:
    """The job's last ``limit`` log lines, oldest first."""
    newest = list(JobLogLine.objects.filter(job=job).order_by("-id")[:limit])
    return newest[::-1]
