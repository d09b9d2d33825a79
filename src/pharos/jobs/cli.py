"""Running a job kind in the foreground from a management command, with a progress bar.

The command line uses the same kinds, Job rows and log lines as the web: a system job
(no organisation) visible to system administrators on /jobs/ like any other.
"""

from __future__ import annotations

from typing import Any, TextIO

from pharos.jobs import actions, registry, runner
from pharos.jobs.models import Job
from pharos.jobs.progress import ProgressBar


def run_in_foreground(
    kind: str, params: dict[str, Any], actor: Any = None, *, stream: TextIO | None = None
) -> Job:
    """Create a system job of ``kind`` and run it in this process; returns the finished Job."""
    actions.job_fail_stale()  # an earlier run killed hard must not stay "running"
    job = actions.job_start(actor=actor, kind=kind, params=params, organisation=None, enqueue=False)
    bar = ProgressBar(stream, label=registry.label(kind))
    try:
        runner.execute(job, listeners=[bar], source="cli")
    finally:
        bar.close()
    return Job.objects.unscoped("the command line reads back the job it ran").get(pk=job.pk)
