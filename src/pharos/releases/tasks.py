"""Building a release as a job, so the web and the command line show the same progress."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from pharos.jobs.models import Job
from pharos.jobs.registry import job_kind
from pharos.jobs.runner import JobError, Reporter
from pharos.releases import actions, dp, queries
from pharos.releases.models import Release


@job_kind("releases.build", label=_("Statistical release"), capability="releases.build")
def build_release(job: Job, reporter: Reporter) -> dict[str, Any]:
    release = Release.objects.unscoped("the job re-reads the release it builds").get(
        public_id=job.params["release"]
    )
    reporter.total(None)
    rows = list(queries.ctdc_rows(reporter.actor))
    suspects = queries.justice_rows(reporter.actor) if release.parameters.get("justice", True) else None
    reporter.total(len(rows))
    try:
        built = actions.release_build(
            actor=reporter.actor,
            release=release,
            rows=rows,
            justice_rows=suspects,
            progress=reporter.advance,
        )
    except dp.BudgetExceeded as exc:
        raise JobError(str(exc)) from exc
    except Exception:
        actions.release_fail(actor=reporter.actor, release=release, detail="error")
        raise
    return {"release": str(built.public_id), "status": built.status, "records": len(rows)}
