"""Background work of the audit module: verifying the hash chain (web button and CLI)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from pharos.audit import actions, chain
from pharos.jobs.models import Job
from pharos.jobs.registry import job_kind
from pharos.jobs.runner import Reporter

INTACT = gettext_noop("Audit chain intact: %(count)s events")
BROKEN = gettext_noop("Audit chain broken: %(reason)s")


@job_kind("audit.verify", label=_("Audit log verification"), capability="audit.verify")
def verify_chain(job: Job, reporter: Reporter) -> dict[str, Any]:
    """Walk the whole chain, log the verdict, and record it as ``audit.chain.verified``."""
    batch_size = int(job.params.get("batch_size", 5000))
    final: chain.Progress | None = None
    for state in chain.verify(batch_size=batch_size):
        if final is None:
            reporter.total(state.total)
        reporter.advance(state.checked - reporter.done)
        final = state
    assert final is not None
    assert final.finished
    broken = final.broken
    if broken is None:
        reporter.log(INTACT, count=final.checked)
    else:
        for_log = {"seq": broken.seq, **broken.params}
        reporter.log(broken.template, level="error", **for_log)
    actions.audit_record_verification(actor=reporter.actor, result=final, organisation=job.organisation)
    result: dict[str, Any] = {
        "intact": broken is None,
        "checked": final.checked,
        "head_seq": final.total,
        "head_hash": final.head_hash,
    }
    if broken is not None:
        result["first_break"] = {
            "seq": broken.seq,
            "reason": broken.template % {"seq": broken.seq, **broken.params},
        }
    return result
