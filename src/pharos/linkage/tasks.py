"""The linkage jobs: de-duplicate a run's scope, link a PPRL project's encodings."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from pharos.jobs.models import Job
from pharos.jobs.registry import job_kind
from pharos.jobs.runner import JobError, Reporter
from pharos.linkage import actions, running
from pharos.linkage.engine.records import InputError
from pharos.linkage.models import LinkageProject, LinkageRun

_STEPS = {
    "decrypting": gettext_noop("Reading the persons in scope (decrypted in memory only)."),
    "linking": gettext_noop("Training the model and scoring candidate pairs."),
}


def _step(reporter: Reporter) -> running.Step:
    def step(name: str) -> None:
        reporter.log(_STEPS[name])
        reporter.advance()

    return step


@job_kind(actions.RUN_JOB, label=_("Record linkage (de-duplication)"), capability="linkage.run")
def dedup(job: Job, reporter: Reporter) -> dict[str, Any]:
    """Link the persons of the run named in the params; store clusters and review pairs."""
    run = LinkageRun.objects.unscoped("the job of this run").get(public_id=job.params["run"])
    if run.completed_at is not None:
        return {"records": run.records, "clusters": run.clusters, "merged": run.merged}
    reporter.total(3)
    try:
        outcome = running.dedup_outcome(run, _step(reporter))
    except InputError as exc:
        # The engine's messages may quote a record; the page gets none of it.
        raise JobError(str(_("The persons could not be linked as they are recorded."))) from exc
    run = actions.run_complete(actor=reporter.actor, run=run, outcome=outcome)
    reporter.advance()
    reporter.log(
        gettext_noop(
            "%(records)s records, %(clusters)s persons, %(merged)s records merged, %(review)s pairs to review."
        ),
        records=run.records,
        clusters=run.clusters,
        merged=run.merged,
        review=run.review_pairs,
    )
    return {
        "records": run.records,
        "pairs_scored": run.pairs_scored,
        "clusters": run.clusters,
        "merged": run.merged,
        "review_pairs": run.review_pairs,
    }


@job_kind(actions.LINK_JOB, label=_("Privacy-preserving linkage"), capability="linkage.projects")
def pprl_link(job: Job, reporter: Reporter) -> dict[str, Any]:
    """Link every participant's encodings and keep each participant's own result."""
    project = LinkageProject.objects.unscoped("the job of this project").get(public_id=job.params["project"])
    reporter.total(2)
    try:
        totals, results = running.link_project(project, _step(reporter))
    except InputError as exc:
        raise JobError(str(exc)) from exc
    actions.project_link_complete(actor=reporter.actor, project=project, totals=totals, results=results)
    reporter.advance()
    return totals
