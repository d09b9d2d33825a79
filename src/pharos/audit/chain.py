"""Appending to and checking the hash chain of the audit log.

Each row's hash covers its own fields and the previous row's hash, so editing a row
changes its hash and removing one breaks the next row's link. ``data`` is covered
through ``data_digest`` so that redaction can blank personal data without breaking the
chain; a redacted row must be announced by a later ``audit.log.redacted`` event.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from pharos.audit.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def digest(data: Any) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def row_hash(event: AuditEvent) -> str:
    fields = {
        "seq": event.seq,
        "occurred_at": _iso(event.occurred_at),
        "action": event.action,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "organisation": event.organisation_id,
        "country": event.country_code,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "ip": event.ip_address,
        "request_id": event.request_id,
        "source": event.source,
        "data_digest": event.data_digest,
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(canonical(fields)).hexdigest()


def _iso(moment: datetime) -> str:
    # Microseconds are kept by both backends; the zone is always UTC.
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def append(events: list[AuditEvent]) -> list[AuditEvent]:
    """Give the events their place in the chain and insert them, under the chain lock."""
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        previous = head.last_hash
        seq = head.last_seq
        for event in events:
            seq += 1
            event.seq = seq
            event.data_digest = digest(event.data)
            event.prev_hash = previous
            event.row_hash = row_hash(event)
            previous = event.row_hash
        AuditEvent.objects.bulk_create(events)
        head.last_seq = seq
        head.last_hash = previous
        head.save(update_fields=["last_seq", "last_hash"])
    return events


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


def verify(batch_size: int = 5000) -> Iterator[tuple[int, Break | None]]:
    """Walk the chain in order; yields (rows checked so far, first break or None)."""
    previous = GENESIS
    expected_seq = 0
    checked = 0
    redacted_announced: set[int] = set()
    redacted_seen: list[int] = []
    last_seq = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq")[:batch_size])
        if not rows:
            break
        for event in rows:
            expected_seq += 1
            if event.seq != expected_seq:
                yield (
                    checked,
                    Break(expected_seq, f"row #{expected_seq} is missing (next row is #{event.seq})"),
                )
                return
            if event.prev_hash != previous:
                yield checked, Break(event.seq, f"row #{event.seq} does not link to row #{event.seq - 1}")
                return
            if event.redacted_at is None and digest(event.data) != event.data_digest:
                yield checked, Break(event.seq, f"row #{event.seq} data was altered")
                return
            if row_hash(event) != event.row_hash:
                yield checked, Break(event.seq, f"row #{event.seq} was altered")
                return
            if event.redacted_at is not None:
                redacted_seen.append(event.seq)
            if event.action == "audit.log.redacted":
                redacted_announced.update(int(s) for s in event.data.get("seqs", []))
            previous = event.row_hash
            checked += 1
            last_seq = event.seq
        yield checked, None
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.last_seq != last_seq:
        yield (
            checked,
            Break(last_seq + 1, f"rows after #{last_seq} were removed (the head records #{head.last_seq})"),
        )
        return
    for seq in redacted_seen:
        if seq not in redacted_announced:
            yield checked, Break(seq, f"row #{seq} is marked redacted but no redaction event names it")
            return
