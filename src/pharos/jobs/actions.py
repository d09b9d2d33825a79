"""Writes about background jobs: start, progress, log lines, finish or fail.

A job's status only moves queued → running → succeeded | failed, each step a conditional
UPDATE, so a job delivered twice by the queue runs once.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from pharos.audit import log
from pharos.core import context
from pharos.jobs import live, liveness, registry
from pharos.jobs.models import Job, JobLogLine, JobStatus
from pharos.tenancy import access
from pharos.tenancy.models import Organisation

logger = logging.getLogger(__name__)

LEVELS = ("info", "warning", "error")
_SCOPE = "a job's own bookkeeping, by its runner"


def _jobs() -> Any:
    return Job.objects.unscoped(_SCOPE)


def job_start(
    *,
    actor: Any,
    kind: str,
    params: dict[str, Any],
    organisation: Organisation | None,
    enqueue: bool = True,
) -> Job:
    """Create a queued job and, once the transaction commits, hand it to the task queue.

    A person starts a job for the organisation they act for and must hold the kind's
    capability there. A job without organisation is a system job (the command line).
    ``enqueue=False`` leaves the running to the caller (``pharos.jobs.cli``).
    """
    job_kind = registry.get(kind)
    if organisation is not None and job_kind.capability is not None:
        membership = access.acting_membership(actor)
        if (
            membership is None
            or membership.organisation_id != organisation.pk
            or not membership.has(job_kind.capability)
        ):
            raise PermissionDenied(f"Starting a {kind} job needs {job_kind.capability}")
    is_user = getattr(actor, "is_authenticated", False)
    with transaction.atomic():
        job = _jobs().create(
            kind=kind,
            organisation=organisation,
            created_by=actor if is_user else None,
            params=params,
            request_id=context.current().request_id,
        )
        log.record(
            "jobs.job.created", actor=actor, organisation=organisation, target=job, data={"kind": kind}
        )
        if enqueue:
            transaction.on_commit(functools.partial(_enqueue, job.pk, str(job.public_id)))
    return job


def _enqueue(pk: int, public_id: str) -> None:
    from pharos.jobs.tasks import run_job

    result = run_job.enqueue(public_id)
    _jobs().filter(pk=pk).update(task_result_id=str(result.id)[:64])


def job_begin(*, job: Job) -> bool:
    """Mark a queued job running; False if it already ran or is running (do nothing then)."""
    now = timezone.now()
    runner = liveness.this_runner()
    claimed = (
        _jobs()
        .filter(pk=job.pk, status=JobStatus.QUEUED)
        .update(status=JobStatus.RUNNING, started_at=now, runner=runner)
    )
    if claimed:
        job.status = JobStatus.RUNNING
        job.started_at = now
        job.runner = runner
    return bool(claimed)


def job_progress(*, job: Job, done: int, total: int | None, outside: bool = False) -> Job:
    """Record how far a running job has come (the runner throttles these calls).

    ``outside``: the job's work is inside one long transaction (an import, all or nothing),
    where an UPDATE would stay invisible until the end and, on PostgreSQL, lock the job row.
    The progress then goes where pages can read it at once (``pharos.jobs.live``); the row
    gets the final figures when the job ends.
    """
    job.progress_done = done
    job.progress_total = total
    if outside:
        live.write(job, done=done, total=total)
        return job
    _jobs().filter(pk=job.pk).update(progress_done=done, progress_total=total)
    return job


STALE_ERROR = gettext_noop(
    "The process running this job stopped before it finished (it was killed or the machine "
    "restarted). Nothing it was doing in one transaction was kept; start it again."
)


def job_fail_stale() -> int:
    """Mark failed every running job whose process on this host no longer exists; how many."""
    running = _jobs().filter(status=JobStatus.RUNNING).exclude(runner="").only("pk", "runner")
    failed = 0
    for candidate in running:
        if not liveness.is_gone(candidate.runner):
            continue
        job = _jobs().select_related("created_by", "organisation").get(pk=candidate.pk)
        job.progress_done, job.progress_total = live.read(job, job.progress_done, job.progress_total)
        with translation.override(getattr(job.created_by, "preferred_language", "") or None):
            _end(job, JobStatus.FAILED, result={}, error=gettext(STALE_ERROR))
        failed += job.status == JobStatus.FAILED
    return failed


def job_log(
    *, job: Job, message: str, level: str = "info", params: dict[str, Any] | None = None
) -> JobLogLine:
    """Add a line to the job's log: a message id and parameters, never personal data."""
    if level not in LEVELS:
        raise ValueError(f"Unknown log level {level!r}; use one of {LEVELS}")
    return JobLogLine.objects.create(job=job, message=message, level=level, params=params or {})


def job_finish(*, job: Job, result: dict[str, Any]) -> Job:
    """The job's work is done: store its (small, non-personal) result."""
    return _end(job, JobStatus.SUCCEEDED, result=result, error="")


def job_fail(*, job: Job, error: str) -> Job:
    """The job stopped: store a short message fit to show (details went to the server log)."""
    return _end(job, JobStatus.FAILED, result={}, error=error[:1000])


def _end(job: Job, status: str, *, result: dict[str, Any], error: str) -> Job:
    now = timezone.now()
    with transaction.atomic():
        ended = (
            _jobs()
            .filter(pk=job.pk, status=JobStatus.RUNNING)
            .update(
                status=status,
                result=result,
                error=error,
                finished_at=now,
                progress_done=job.progress_done,
                progress_total=job.progress_total,
            )
        )
        if not ended:
            logger.warning(
                "Job %s was not running when it ended (%s); left as it was.", job.public_id, status
            )
            return job
        job.status, job.result, job.error, job.finished_at = status, result, error, now
        transaction.on_commit(lambda: live.forget(job))
        log.record(
            "jobs.job.finished",
            actor=job.created_by,
            organisation=job.organisation,
            target=job,
            data={"kind": job.kind, "status": status},
        )
    return job
