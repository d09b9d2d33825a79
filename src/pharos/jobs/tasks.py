"""The one Django task: run a Job row by its public id (enqueued by ``job_start`` after commit)."""

from __future__ import annotations

import logging
import uuid

from django.tasks import task

from pharos.jobs import runner
from pharos.jobs.models import Job

logger = logging.getLogger(__name__)


@task()
def run_job(job_public_id: str) -> str:
    """Re-fetch the job and run it unless it already ran; returns the job's status."""
    try:
        public_id = uuid.UUID(job_public_id)
    except ValueError:
        logger.error("run_job was given %r, which is not a job id.", job_public_id)
        return "missing"
    job = (
        Job.objects.unscoped("the worker runs the job it was handed")
        .select_related("organisation", "created_by")
        .filter(public_id=public_id)
        .first()
    )
    if job is None:
        logger.error("Job %s does not exist (deleted before it ran?).", public_id)
        return "missing"
    return str(runner.execute(job, source="job").status)
