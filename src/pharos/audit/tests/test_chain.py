"""The hash chain: ``pharos audit verify`` holds on an honest log and names the first bad row.

Tampering goes through raw SQL after lifting the append-only trigger, as a rogue database
administrator would; the tests run on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from pharos import testing
from pharos.audit import actions, chain, log
from pharos.audit.models import AuditChainHead, AuditEvent
from pharos.core import context

pytestmark = pytest.mark.django_db


def record(n: int, action: str = "accounts.user.language_changed") -> list[AuditEvent]:
    out = []
    for i in range(n):
        with transaction.atomic():
            out.append(log.record(action, actor=None, data={"language": "fr", "i": i}))
    return out


def lift_triggers() -> None:
    """What a rogue DBA does first: switch off the append-only triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's foreign keys are deferred: fire their checks so the table can be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_append_only")
        else:
            cursor.execute("DROP TRIGGER audit_no_update")
            cursor.execute("DROP TRIGGER audit_no_delete")


def tamper(sql: str, params: list[object]) -> None:
    lift_triggers()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def run_verify() -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def test_an_honest_chain_verifies_and_the_verification_is_recorded() -> None:
    record(5)

    code, output = run_verify()

    # Five events, plus the verification job's own "job created" entry.
    assert code == 0
    assert "Audit chain intact: 6 events" in output
    verified = AuditEvent.objects.filter(action="audit.chain.verified").get()
    assert verified.data["intact"] is True
    assert verified.data["checked"] == 6


def test_an_altered_action_is_named() -> None:
    record(5)
    tamper("UPDATE audit_auditevent SET action = %s WHERE seq = %s", ["accounts.user.signed_in", 3])

    code, output = run_verify()

    assert code == 1
    assert "row #3 was altered" in output
    verified = AuditEvent.objects.filter(action="audit.chain.verified").get()
    assert verified.data["intact"] is False
    assert verified.data["first_break"]["seq"] == 3


def test_altered_data_is_named() -> None:
    record(5)
    as_json = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    tamper(f"UPDATE audit_auditevent SET data = {as_json} WHERE seq = %s", ['{"language": "ru", "i": 1}', 2])

    code, output = run_verify()

    assert code == 1
    assert "row #2 was altered" in output


def test_a_removed_middle_row_is_named() -> None:
    record(5)
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [3])

    code, output = run_verify()

    assert code == 1
    assert "row #3 is missing" in output


def test_a_removed_last_row_is_named() -> None:
    record(5)
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [5])

    final = chain.verify_all()
    assert final.broken is not None
    assert final.broken.seq == 5
    assert "row #5 is missing" in final.broken.reason
    assert "chain head" in final.broken.reason

    code, output = run_verify()
    assert code == 1
    assert "row #5 is missing" in output


def test_a_rehashed_last_row_is_caught_by_the_head() -> None:
    events = record(3)
    last = events[-1]
    last.action = "accounts.user.signed_in"
    new_hash = chain.row_hash(last)
    tamper(
        "UPDATE audit_auditevent SET action = %s, row_hash = %s WHERE seq = %s",
        ["accounts.user.signed_in", new_hash, 3],
    )

    final = chain.verify_all()

    assert final.broken is not None
    assert final.broken.seq == 3
    assert "was altered" in final.broken.reason


def test_the_triggers_refuse_delete_and_update_but_allow_redaction() -> None:
    record(2)

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(action="accounts.user.signed_in")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(actor_label="someone else")

    AuditEvent.objects.filter(seq=1).update(data=chain.REDACTED, redacted_at=timezone.now())
    assert AuditEvent.objects.get(seq=1).data == {"redacted": True}
    assert AuditEvent.objects.count() == 2


def test_the_chain_head_cannot_be_removed_or_wound_back() -> None:
    record(3)

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditChainHead.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditChainHead.objects.filter(id=1).update(last_seq=2)
    assert AuditChainHead.objects.get(id=1).last_seq == 3


def test_redaction_keeps_the_chain_and_is_announced() -> None:
    cast = testing.cast()
    target = cast.org_a
    with transaction.atomic():
        log.record("tenancy.organisation.changed", actor=cast.owner, target=target, data={"name": "A"})
        log.record("tenancy.organisation.changed", actor=cast.owner, target=target, data={"name": "B"})
        log.record("tenancy.organisation.changed", actor=cast.owner, target=cast.org_b, data={"name": "C"})
    target_type, target_id = log.target_ref(target)

    seqs = actions.audit_redact_target(
        actor=cast.owner, target_type=target_type, target_id=target_id, reason="erasure request"
    )

    assert len(seqs) == 2
    redacted = AuditEvent.objects.filter(seq__in=seqs)
    assert all(e.data == {"redacted": True} and e.redacted_at is not None for e in redacted)
    untouched = AuditEvent.objects.get(target_id=log.target_ref(cast.org_b)[1])
    assert untouched.data == {"name": "C"}
    announcement = AuditEvent.objects.get(action="audit.log.redacted")
    assert announcement.data["seqs"] == seqs
    assert (announcement.target_type, announcement.target_id) == (target_type, target_id)
    assert chain.verify_all().broken is None

    # A second erasure of the same target blanks nothing new and keeps the first announcement.
    assert (
        actions.audit_redact_target(
            actor=cast.owner, target_type=target_type, target_id=target_id, reason="again"
        )
        == []
    )
    assert AuditEvent.objects.filter(action="audit.log.redacted", redacted_at__isnull=True).count() == 2
    assert chain.verify_all().broken is None


def test_a_row_marked_redacted_without_announcement_breaks_the_chain() -> None:
    record(4)
    # The trigger lets data and redacted_at change (that is how redaction works) …
    AuditEvent.objects.filter(seq=2).update(data=chain.REDACTED, redacted_at=timezone.now())

    # … but only a redaction event makes it legitimate.
    code, output = run_verify()

    assert code == 1
    assert "row #2 is marked redacted but no redaction event names it" in output


def test_a_redacted_row_cannot_be_refilled() -> None:
    cast = testing.cast()
    with transaction.atomic():
        event = log.record("tenancy.organisation.changed", actor=cast.owner, target=cast.org_a, data={"x": 1})
    actions.audit_redact_target(
        actor=cast.owner, target_type=event.target_type, target_id=event.target_id, reason="erasure"
    )
    AuditEvent.objects.filter(seq=event.seq).update(data={"x": 2})

    final = chain.verify_all()

    assert final.broken is not None
    assert final.broken.seq == event.seq


def test_values_are_hashed_as_the_database_stores_them() -> None:
    token = context.activate(
        context.RequestContext(
            request_id="req-ipv6-test", ip_address="2001:0db8:0000:0000:0000:0000:0000:0001"
        )
    )
    try:
        with transaction.atomic():
            log.record(
                "accounts.user.language_changed",
                actor=None,
                data={"when": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "id": uuid.uuid4(), "pair": (1, 2)},
            )
    finally:
        context.deactivate(token)

    assert AuditEvent.objects.get().ip_address == "2001:db8::1"
    assert chain.verify_all().broken is None


def test_verification_reads_in_batches() -> None:
    record(7)

    seen = [(state.checked, state.total, state.finished) for state in chain.verify(batch_size=3)]

    assert seen == [(0, 7, False), (3, 7, False), (6, 7, False), (7, 7, False), (7, 7, True)]


def test_verification_ignores_events_appended_while_it_runs() -> None:
    record(3)
    walk = chain.verify(batch_size=2)
    first = next(walk)
    assert first.total == 3
    record(2)  # appended after the walk read the head

    *_, final = walk

    assert final.broken is None
    assert final.checked == 3


@pytest.mark.django_db(transaction=True)
def test_flush_on_sqlite_puts_the_triggers_back() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL flushes with TRUNCATE, which row triggers do not see")
    record(1)

    call_command("flush", interactive=False, verbosity=0)

    assert AuditEvent.objects.count() == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"audit_no_update", "audit_no_delete", "audit_head_no_delete", "audit_head_forward_only"} <= names
    record(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()


def test_tail_prints_the_latest_events_and_is_recorded() -> None:
    record(3)
    out = io.StringIO()

    call_command("audit", "tail", "-n", "2", stdout=out)

    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines] == ["#2", "#3"]
    assert "accounts.user.language_changed" in lines[0]
    viewed = AuditEvent.objects.filter(action="audit.log.viewed").get()
    assert viewed.data["format"] == "tail"
    assert viewed.source == "cli"
