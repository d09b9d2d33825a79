"""The import as a job kind, so the command line and the web show the same progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pharos.imports import actions, queries, reading
from pharos.jobs.models import Job
from pharos.jobs.registry import job_kind
from pharos.jobs.runner import JobError, Reporter
from pharos.tenancy.models import Organisation

# The outcome of jobs run in this process (the command line), by job id, so the command can
# print every rejected cell without storing personal values in the job's JSON result.
OUTCOMES: dict[int, actions.Outcome] = {}


@job_kind("imports.file", label=_("Case file import"), capability="imports.run")
def import_file(job: Job, reporter: Reporter) -> dict[str, Any]:
    """Check (and unless a dry run, import) the file named in the job's params."""
    params = job.params
    organisation = Organisation.objects.get(pk=params["organisation"])
    reporter.total(None)
    path, file_name = _file_of(job)
    # The import runs in one transaction: its progress goes around it (pharos.jobs.live).
    reporter.outside = True
    try:
        outcome = actions.import_file(
            actor=reporter.actor,
            organisation=organisation,
            path=path,
            file_name=file_name,
            mapping_name=params.get("mapping") or None,
            dry_run=bool(params.get("dry_run")),
            progress=reporter.advance,
            columns_given=params.get("columns"),
        )
    finally:
        reporter.outside = False
    if params.get("keep_outcome"):  # only the command line, which pops it right away
        OUTCOMES[job.pk] = outcome
    return {
        "status": outcome.status,
        "refused": outcome.refused,
        "batch": str(outcome.batch.public_id) if outcome.batch else None,
        "rows": outcome.rows_total,
        "rejected": outcome.rows_rejected,
        "skipped": outcome.rows_skipped,
        "created": outcome.records_created,
    }


def _file_of(job: Job) -> tuple[Path | reading.Source, str]:
    """The file to import and its name: a path given on the command line, or a page's
    encrypted upload, decrypted as it is read (its name is encrypted too, so it is not in the
    job's params)."""
    if "upload" not in job.params:
        return Path(job.params["path"]), job.params.get("file_name", "")
    upload = queries.get_upload_of_job(job)
    if upload is None or upload.attachment is None:
        raise JobError(gettext("The uploaded file is no longer there; upload it again."))
    return reading.Source.of_attachment(upload.attachment), upload.attachment.file_name or ""
