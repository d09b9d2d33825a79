"""Loading a research file as a job kind, so the command line shows progress like an import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from pharos.jobs.models import Job
from pharos.jobs.registry import job_kind
from pharos.jobs.runner import Reporter
from pharos.research import actions
from pharos.tenancy.models import Organisation

# The outcome of loads run in this process (the command line), by job id: the command prints
# every rejected cell without storing them in the job's JSON result.
OUTCOMES: dict[int, actions.LoadOutcome] = {}


@job_kind("research.load", label=_("Research dataset load"), capability="research.manage")
def load(job: Job, reporter: Reporter) -> dict[str, Any]:
    """Check (and unless a dry run, load) the CTDC file named in the job's params."""
    params = job.params
    organisation = Organisation.objects.get(pk=params["organisation"])
    reporter.total(None)
    outcome = actions.research_dataset_load(
        actor=reporter.actor,
        organisation=organisation,
        path=Path(params["path"]),
        file_name=params.get("file_name", ""),
        name=params.get("name", ""),
        layout=params.get("layout") or None,
        source=params.get("source", ""),
        dry_run=bool(params.get("dry_run")),
        progress=reporter.advance,
    )
    if params.get("keep_outcome"):
        OUTCOMES[job.pk] = outcome
    return {
        "status": outcome.status,
        "refused": outcome.refused,
        "layout": outcome.layout,
        "dataset": str(outcome.dataset.public_id) if outcome.dataset else None,
        "rows": outcome.rows_total,
        "rejected": outcome.rows_rejected,
    }
