"""Large exports as a job kind: the file is built in the background and kept encrypted."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from pharos.exports import actions
from pharos.jobs.models import Job
from pharos.jobs.registry import job_kind
from pharos.jobs.runner import JobError, Reporter


@job_kind("exports.file", label=pgettext_lazy("job kind", "Export"), capability="exports.run")
def export_file(job: Job, reporter: Reporter) -> dict[str, Any]:
    """Build the export named in the job's params as its starter, and store it encrypted."""
    try:
        stored = actions.export_store(
            actor=reporter.actor,
            job=job,
            fmt=job.params["format"],
            total=reporter.total,
            progress=reporter.advance,
        )
    except actions.ExportRefused as refused:
        raise JobError(str(refused)) from refused
    return {
        "format": stored.format,
        "rows": stored.rows,
        "personal": stored.personal,
        # The job page offers this link (to the starter only; others get a 404 from it).
        "download_url": reverse("exports:job_file", kwargs={"public_id": job.public_id}),
    }
