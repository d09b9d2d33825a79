"""Background work of case work: erasing the personal data of cases past their retention period.

Run it from the scheduler as a system job (``pharos jobs run casework.retention``, all
organisations) or from the retention page (the acting organisation only).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from pharos.casework import actions
from pharos.jobs.models import Job
from pharos.jobs.registry import job_kind
from pharos.jobs.runner import Reporter

DONE = gettext_noop("Erased the personal data of %(cases)s cases (%(persons)s persons)")


@job_kind(
    "casework.retention",
    label=_("Erasure of cases past their retention period"),
    capability="cases.retention",
)
def apply_retention(job: Job, reporter: Reporter) -> dict[str, Any]:
    """Erase what expired; ``params.today`` (ISO date) lets an operator or a test fix the day."""
    today = job.params.get("today")
    day = datetime.date.fromisoformat(today) if today else None

    def progress(total: int, done: int) -> None:
        if done == 0:
            reporter.total(total)
        else:
            reporter.advance(done - reporter.done)

    totals = actions.retention_apply(
        actor=reporter.actor, today=day, organisation=job.organisation, progress=progress
    )
    reporter.log(DONE, cases=totals["cases"], persons=totals["persons"])
    return totals
