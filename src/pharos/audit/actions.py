"""Writes to the audit log beyond appending: redaction, and the record of a verification."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from pharos.audit import chain, log
from pharos.audit.models import AuditEvent


def audit_redact_target(*, actor: Any, target_type: str, target_id: str, reason: str) -> list[int]:
    """Blank the data of every audit event about one object; returns the redacted sequence numbers.

    Used by erasure: the events stay (who did what, when, from where), their ``data`` becomes
    ``{"redacted": true}``. One ``audit.log.redacted`` event lists the rows it blanked, which
    ``pharos audit verify`` requires for every redacted row. Earlier redaction events are
    left alone: they hold sequence numbers, not personal data, and the chain needs them.
    ``reason`` is a short code or sentence without personal data ("erasure request").
    """
    if not target_type or not target_id:
        raise ValueError("audit_redact_target needs a target type and id")
    with transaction.atomic():
        # Lock the chain first so no event about the target slips in between listing and blanking.
        chain.lock()
        rows = AuditEvent.objects.filter(
            target_type=target_type, target_id=target_id, redacted_at__isnull=True
        ).exclude(action=chain.REDACTION_EVENT)
        seqs = list(rows.order_by("seq").values_list("seq", flat=True))
        if seqs:
            rows.filter(seq__lte=seqs[-1]).update(data=chain.REDACTED, redacted_at=timezone.now())
        log.record(
            chain.REDACTION_EVENT,
            actor=actor,
            target_key=(target_type, target_id),
            data={"seqs": seqs, "count": len(seqs), "reason": reason},
        )
    return seqs


def audit_record_verification(*, actor: Any, result: chain.Progress, organisation: Any = None) -> AuditEvent:
    """Note in the log that the chain was verified, and what was found."""
    broken = result.broken
    data: dict[str, Any] = {
        "intact": broken is None,
        "checked": result.checked,
        "head_seq": result.total,
        "head_hash": result.head_hash,
    }
    if broken is not None:
        data["first_break"] = {
            "seq": broken.seq,
            "reason": broken.template % {"seq": broken.seq, **broken.params},
        }
    with transaction.atomic():
        return log.record("audit.chain.verified", actor=actor, organisation=organisation, data=data)


def audit_log_read(
    *, actor: Any, filters: dict[str, str], output: str, page: int | None = None
) -> AuditEvent:
    """Reading the audit log is itself logged: one event per page, download or API call."""
    data: dict[str, Any] = {"filters": filters, "format": output}
    if page is not None:
        data["page"] = page
    with transaction.atomic():
        return log.record("audit.log.viewed", actor=actor, data=data)
