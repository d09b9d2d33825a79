"""Running one job: the same code for the task worker and the command line.

``execute(job)`` claims the job (a job that already ran is left alone), re-checks that
the person who started it may still run it, calls the registered kind with a Reporter,
and stores the result or a short error. Exceptions are logged on the server with the
request id; the page only ever shows the short message.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from pharos.core import context
from pharos.jobs import actions, registry
from pharos.jobs.models import Job
from pharos.tenancy import access
from pharos.tenancy.models import Membership

logger = logging.getLogger(__name__)


class JobError(Exception):
    """A failure whose message is fit to show on the job page (no personal data)."""


class Listener(Protocol):
    """Something else that follows a job's progress in-process (the terminal progress bar)."""

    def total(self, count: int | None) -> None: ...

    def advance(self, amount: int = 1) -> None: ...

    def message(self, text: str) -> None: ...


class Reporter:
    """What a running job uses to say how far it is and what it found.

    Progress is written to the Job row at most once per ``min_interval`` seconds (and
    always at the end), so a job that advances row by row does not UPDATE row by row.
    ``actor`` is the person who started the job, acting for the job's organisation, or
    None for a system job.
    """

    def __init__(
        self,
        job: Job,
        *,
        actor: Any = None,
        listeners: Iterable[Listener] = (),
        min_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.job = job
        self.actor = actor
        self.listeners = list(listeners)
        self.done = job.progress_done
        self.count = job.progress_total
        self.min_interval = min_interval
        self._clock = clock
        self._written_at: float | None = None
        # Set while the job's work runs inside one long transaction (see jobs.live).
        self.outside = False

    def total(self, count: int | None) -> None:
        """How much work there is (None when unknown)."""
        self.count = count
        for listener in self.listeners:
            listener.total(count)
        self.flush()

    def advance(self, amount: int = 1) -> None:
        """``amount`` more units of work are done."""
        if amount == 0:
            return
        self.done += amount
        for listener in self.listeners:
            listener.advance(amount)
        if self._written_at is None or self._clock() - self._written_at >= self.min_interval:
            self.flush()

    def log(self, message: str, level: str = "info", **params: Any) -> None:
        """A log line: ``message`` is a gettext_noop-marked id, ``params`` fill its placeholders."""
        line = actions.job_log(job=self.job, message=message, level=level, params=params)
        for listener in self.listeners:
            listener.message(line.text)

    def flush(self) -> None:
        actions.job_progress(job=self.job, done=self.done, total=self.count, outside=self.outside)
        self._written_at = self._clock()


def execute(job: Job, *, listeners: Iterable[Listener] = (), source: str = "job") -> Job:
    """Run ``job`` here and now if it is still queued; return it in its final state."""
    # Messages stored on the job speak the starter's language, whatever the worker last spoke.
    starter = job.created_by
    language = getattr(starter, "preferred_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        return _execute(job, listeners=listeners, source=source)


def _execute(job: Job, *, listeners: Iterable[Listener], source: str) -> Job:
    if not actions.job_begin(job=job):
        logger.info("Job %s is %s already; not run again.", job.public_id, job.status)
        return job
    token = context.activate(
        context.RequestContext(request_id=job.request_id or uuid.uuid4().hex, source=source)
    )
    reporter = Reporter(job, listeners=listeners)
    try:
        kind = registry.get(job.kind)
        reporter.actor = _actor(job, kind.capability)
        result = kind.run(job, reporter) or {}
        reporter.flush()
        return actions.job_finish(job=job, result=result)
    except JobError as exc:
        reporter.flush()
        return actions.job_fail(job=job, error=str(exc))
    except Exception as exc:
        # The traceback may hold personal values: it goes to the server log only.
        logger.exception("Job %s (%s) failed", job.public_id, job.kind)
        reporter.flush()
        message = gettext(
            "The job stopped because of an unexpected error (%(error)s). Reference: %(ref)s."
        ) % {
            "error": type(exc).__name__,
            "ref": context.current().request_id,
        }
        return actions.job_fail(job=job, error=message)
    except (KeyboardInterrupt, SystemExit):
        # Ctrl-C on the command line, or the worker told to stop: the row must not stay "running".
        reporter.flush()
        actions.job_fail(job=job, error=gettext("The job was interrupted before it finished."))
        raise
    finally:
        context.deactivate(token)


def _actor(job: Job, capability: str | None) -> Any:
    """The starter, acting for the job's organisation with the capability, or JobError."""
    user = job.created_by
    if user is None or job.organisation_id is None:
        return user  # a system job, started from the command line
    if not user.is_active:
        raise JobError(gettext("The person who started this job can no longer sign in."))
    memberships = Membership.objects.filter(
        user=user, organisation_id=job.organisation_id, is_active=True, organisation__is_active=True
    ).select_related("organisation__country")
    for membership in memberships:
        if capability is None or membership.has(capability):
            access.set_acting(user, membership)
            return user
    raise JobError(gettext("The person who started this job may no longer run it."))
