"""Job kinds of the privacy module: key rotation (run from ``pharos keys rotate``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from pharos.jobs.registry import job_kind
from pharos.privacy import rotation

if TYPE_CHECKING:
    from pharos.jobs.models import Job
    from pharos.jobs.runner import Reporter


@job_kind("privacy.keys.rotate", label=_("Re-encryption under the newest key"), capability="system.keys")
def rotate_keys(job: Job, reporter: Reporter) -> dict[str, Any]:
    batch_size = int(job.params.get("batch_size", 500))
    result = rotation.rotate(batch_size=batch_size, reporter=reporter, actor=reporter.actor)
    return result.as_data()
