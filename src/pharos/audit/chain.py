"""Appending to and checking the hash chain of the audit log.

Each row's hash covers its own fields and the previous row's hash, so editing a row
changes its hash and removing one breaks the next row's link. ``data`` is covered
through ``data_digest`` so that redaction can blank personal data without breaking the
chain; a redacted row must be announced by a later ``audit.log.redacted`` event.
The chain head (one row) records the last sequence number and hash: removing rows from
the end is caught by comparing with it. See docs/adr/0002-audit-hash-chain.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from pharos.audit.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64
REDACTED: dict[str, Any] = {"redacted": True}
REDACTION_EVENT = "audit.log.redacted"


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def digest(data: Any) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def as_stored(data: Any) -> Any:
    """The JSON value the database will hand back, so that what is hashed is what is read."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


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


def _normalise(event: AuditEvent) -> None:
    # Hash the values as the database stores them: an IPv6 address is compressed on save,
    # JSON loses tuples and turns dates into strings.
    ip_field = AuditEvent._meta.get_field("ip_address")
    event.ip_address = ip_field.get_prep_value(event.ip_address) or None
    event.data = as_stored(event.data)


def lock() -> AuditChainHead:
    """Lock the chain head until the surrounding transaction ends (call inside ``atomic``)."""
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    return head


def append(events: list[AuditEvent]) -> list[AuditEvent]:
    """Give the events their place in the chain and insert them, under the chain lock.

    The head row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
    transactions already hold the database write lock) until the surrounding transaction
    commits, so sequence numbers are handed out, and committed, in order.
    """
    with transaction.atomic():
        head = lock()
        previous = head.last_hash
        seq = head.last_seq
        for event in events:
            _normalise(event)
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
    """The first place where the chain does not hold. ``template`` is translatable."""

    seq: int
    template: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return gettext(self.template) % {"seq": self.seq, **self.params}

    def __str__(self) -> str:
        return self.reason


MISSING = gettext_noop("row #%(seq)s is missing (the next row is #%(next)s)")
MISSING_AT_END = gettext_noop("row #%(seq)s is missing (the chain head records #%(head)s as the last row)")
HEAD_MISSING = gettext_noop("row #%(seq)s: the chain head is missing, so removed rows cannot be ruled out")
UNLINKED = gettext_noop("row #%(seq)s does not link to row #%(previous)s")
DATA_ALTERED = gettext_noop("row #%(seq)s was altered (its data no longer matches its digest)")
ALTERED = gettext_noop("row #%(seq)s was altered")
REDACTION_ALTERED = gettext_noop("row #%(seq)s was altered (marked redacted but holds data)")
UNANNOUNCED = gettext_noop("row #%(seq)s is marked redacted but no redaction event names it")


@dataclass
class Progress:
    """Where a verification stands: yielded at the start, after each batch, and at the end.

    ``head_hash`` is the hash of the last row checked (the chain head's, when intact).
    """

    checked: int
    total: int
    broken: Break | None = None
    head_hash: str = GENESIS
    finished: bool = False


def verify(batch_size: int = 5000) -> Iterator[Progress]:
    """Walk the chain in order, up to the head as it was when the walk began.

    Yields a Progress before the first batch (with the total) and after each batch; the
    last one has ``finished`` set and, if the chain does not hold, ``broken`` names the
    first bad row. Events appended while the walk runs are left for the next verification.
    """
    head = AuditChainHead.objects.filter(id=1).first()
    head_seq = head.last_seq if head is not None else 0
    head_hash = head.last_hash if head is not None else GENESIS
    state = Progress(checked=0, total=head_seq, head_hash=head_hash)
    yield state
    broken = yield from _walk(state, head_seq, batch_size)
    if broken is None and head is None and AuditEvent.objects.exists():
        broken = Break(1, HEAD_MISSING)
    if broken is None and state.checked != head_seq:
        broken = Break(state.checked + 1, MISSING_AT_END, {"head": head_seq})
    if broken is None and head is not None and state.checked and head_hash != state.head_hash:
        broken = Break(head_seq, ALTERED)
    state.broken = broken
    state.finished = True
    yield state


def _walk(state: Progress, head_seq: int, batch_size: int) -> Generator[Progress, None, Break | None]:
    previous = GENESIS
    last_seq = 0
    redacted: list[int] = []
    announced: set[int] = set()
    walk_hash = GENESIS
    while last_seq < head_seq:
        rows = list(
            AuditEvent.objects.filter(seq__gt=last_seq, seq__lte=head_seq).order_by("seq")[:batch_size]
        )
        if not rows:
            break
        for event in rows:
            broken = _check(event, last_seq + 1, previous)
            if broken is not None:
                return broken
            if event.redacted_at is not None:
                redacted.append(event.seq)
            if event.action == REDACTION_EVENT and event.redacted_at is None:
                announced.update(int(s) for s in event.data.get("seqs", []))
            previous = walk_hash = event.row_hash
            last_seq = event.seq
            state.checked += 1
        yield state
    state.head_hash = walk_hash if state.checked else state.head_hash
    unannounced = [seq for seq in redacted if seq not in announced]
    if unannounced:
        # A redaction that committed while we walked is announced beyond the head we read.
        announced.update(_announced_after(head_seq))
        unannounced = [seq for seq in unannounced if seq not in announced]
    if unannounced:
        return Break(unannounced[0], UNANNOUNCED)
    return None


def _check(event: AuditEvent, expected_seq: int, previous: str) -> Break | None:
    if event.seq != expected_seq:
        return Break(expected_seq, MISSING, {"next": event.seq})
    if event.prev_hash != previous:
        return Break(event.seq, UNLINKED, {"previous": event.seq - 1})
    if event.redacted_at is None and digest(event.data) != event.data_digest:
        return Break(event.seq, DATA_ALTERED)
    if event.redacted_at is not None and event.data != REDACTED:
        return Break(event.seq, REDACTION_ALTERED)
    if row_hash(event) != event.row_hash:
        return Break(event.seq, ALTERED)
    return None


def _announced_after(seq: int) -> set[int]:
    seqs: set[int] = set()
    for data in AuditEvent.objects.filter(seq__gt=seq, action=REDACTION_EVENT).values_list("data", flat=True):
        if isinstance(data, dict):
            seqs.update(int(s) for s in data.get("seqs", []))
    return seqs


def verify_all(batch_size: int = 5000) -> Progress:
    """Run a whole verification and return its final state (for code that needs no progress)."""
    return list(verify(batch_size))[-1]
