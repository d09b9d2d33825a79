"""Writes of case work: tasks, notes, attachments, assignment, closure, reopening, timeline,
retention and the audited reads (caseload, downloads, a person's export).

Each function runs in one transaction with the case row locked, refuses writes to a closed
case (only ``case_reopen`` acts on one), records its audit event with personal values
masked and, for what a worker should see later, a timeline entry. Other modules call
``task_create``/``task_complete_for_source`` (deadlines of their own) and ``timeline_add``
(entries of kinds they registered in ``pharos.casework.registry``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pharos.audit import log
from pharos.cases.actions import CaseError, refuse_if_closed
from pharos.cases.models import (
    CaseState,
    PerpetratorAccount,
    StatusDecision,
    TraffickingEvent,
    VictimCase,
)
from pharos.casework import registry, sniffing
from pharos.casework.events import case_erasing
from pharos.casework.models import (
    CaseAttachment,
    CaseNote,
    ClosureReason,
    ClosureRequest,
    ClosureState,
    DocumentType,
    RetentionRule,
    Task,
    TaskKind,
    TimelineEntry,
)
from pharos.persons.models import Person
from pharos.privacy import files
from pharos.tenancy import access
from pharos.tenancy.models import Country, Membership, Organisation

_LOCK = "locking a case the caller already looked up in its scope"
_SYSTEM = "retention: system work over every organisation's closed cases"


class CaseworkError(CaseError):
    """A case-work write was refused (the message, fit to show, says why)."""


class AttachmentRefused(CaseworkError):
    """A file was not accepted: wrong type (by content) or too large."""


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _organisation(actor: Any, fallback: Organisation) -> Organisation:
    membership = access.acting_membership(actor)
    return membership.organisation if membership is not None else fallback


def _lock(case: VictimCase) -> VictimCase:
    return VictimCase.objects.unscoped(_LOCK).select_for_update().get(pk=case.pk)  # type: ignore[no-any-return]


def _audit(action: str, *, actor: Any, case: VictimCase, data: Mapping[str, Any], **kwargs: Any) -> None:
    log.record(
        action,
        actor=actor,
        target=case,
        organisation=_organisation(actor, case.organisation),
        data={"reference": case.reference, **data},
        **kwargs,
    )


def timeline_add(
    *,
    actor: Any,
    case: VictimCase,
    kind: str,
    data: Mapping[str, Any] | None = None,
    text: str | None = None,
    occurred_at: datetime.datetime | None = None,
) -> TimelineEntry:
    """Add an entry of a registered kind to the case's timeline; call inside your own action.

    ``data`` holds codes, dates and references only (it is stored in clear); anything a
    person typed goes in ``text``, which is encrypted.
    """
    registry.require_timeline_kind(kind)
    return TimelineEntry.objects.create(
        organisation=case.organisation,
        case=case,
        kind=kind,
        occurred_at=occurred_at or timezone.now(),
        actor=_user(actor),
        data=dict(data or {}),
        text=(text or "").strip() or None,
    )


# --- tasks ----------------------------------------------------------------------------------------


def task_create(
    *,
    actor: Any,
    case: VictimCase,
    kind: str,
    title: str,
    due_on: datetime.date,
    source: str = "",
    assignee: Any = None,
) -> Task:
    """Set a task on a case; with a ``source``, the same (case, kind, source) gives the same task.

    Called again for a task not yet done, a new ``due_on`` or ``title`` moves the existing
    task (a reflection period extended, say); a done task is returned as it is. The task
    goes to ``assignee``, else to the case's worker.
    """
    if kind not in TaskKind.values:
        raise CaseworkError(_("Unknown kind of task."))
    title = (title or "").strip()
    if not title:
        raise CaseworkError(_("Say what is to be done."))
    source = (source or "").strip()[:120]
    with transaction.atomic():
        locked = _lock(case)
        refuse_if_closed(locked)
        if source:
            existing = Task.objects.unscoped(_LOCK).filter(case=locked, kind=kind, source=source).first()
            if existing is not None:
                if existing.is_done or (existing.due_on == due_on and existing.title == title):
                    return existing  # type: ignore[no-any-return]
                existing.due_on, existing.title = due_on, title
                existing.save(update_fields=["due_on", "title"])
                data = {"task": str(existing.public_id), "kind": kind, "due_on": due_on.isoformat()}
                _audit("casework.task.created", actor=actor, case=locked, data={**data, "moved": True})
                timeline_add(
                    actor=actor, case=locked, kind="casework.task.rescheduled", data=data, text=title
                )
                return existing  # type: ignore[no-any-return]
        task = Task.objects.create(
            organisation=locked.organisation,
            case=locked,
            kind=kind,
            title=title,
            due_on=due_on,
            source=source,
            assignee=assignee if assignee is not None else locked.assigned_to,
            created_by=_user(actor),
        )
        data = {"task": str(task.public_id), "kind": kind, "due_on": due_on.isoformat(), "source": source}
        _audit(
            "casework.task.created",
            actor=actor,
            case=locked,
            data={**data, "title": title},
            personal=("title",),
        )
        timeline_add(actor=actor, case=locked, kind="casework.task.created", data=data, text=title)
    return task


def task_complete(*, actor: Any, task: Task) -> Task:
    """Mark a task done (doing it twice changes nothing)."""
    with transaction.atomic():
        case = _lock(task.case)
        refuse_if_closed(case)
        locked = Task.objects.unscoped(_LOCK).select_for_update().get(pk=task.pk)
        if locked.done_at is not None:
            return locked  # type: ignore[no-any-return]
        locked.done_at = timezone.now()
        locked.done_by = _user(actor)
        locked.save(update_fields=["done_at", "done_by"])
        data = {"task": str(locked.public_id), "kind": locked.kind}
        _audit("casework.task.completed", actor=actor, case=case, data=data)
        timeline_add(actor=actor, case=case, kind="casework.task.completed", data=data, text=locked.title)
    task.done_at, task.done_by = locked.done_at, locked.done_by
    return locked  # type: ignore[no-any-return]


def task_complete_for_source(*, actor: Any, case: VictimCase, kind: str, source: str) -> Task | None:
    """Complete the task another module created for (case, kind, source); None if there is none."""
    found = Task.objects.unscoped(_LOCK).filter(case=case, kind=kind, source=source).first()
    return task_complete(actor=actor, task=found) if found is not None else None


# --- notes and attachments -------------------------------------------------------------------------


def note_add(*, actor: Any, case: VictimCase, text: str) -> CaseNote:
    """Add an encrypted note to an open case."""
    text = (text or "").strip()
    if not text:
        raise CaseworkError(_("A note cannot be empty."))
    with transaction.atomic():
        locked = _lock(case)
        refuse_if_closed(locked)
        note = CaseNote.objects.create(
            organisation=locked.organisation, case=locked, text=text, author=_user(actor)
        )
        _audit(
            "casework.note.added",
            actor=actor,
            case=locked,
            data={"note": str(note.public_id), "text": text},
            personal=("text",),
        )
        timeline_add(actor=actor, case=locked, kind="casework.note.added", data={"note": str(note.public_id)})
    return note


def allowed_types() -> list[str]:
    return list(getattr(settings, "PHAROS_CASE_ATTACHMENT_TYPES", ["application/pdf"]))


def attachment_max_bytes() -> int:
    return min(
        int(getattr(settings, "PHAROS_CASE_ATTACHMENT_MAX_BYTES", files.max_bytes())), files.max_bytes()
    )


def _refuse(actor: Any, case: VictimCase, problem: str, size: int, media_type: str, message: str) -> None:
    with transaction.atomic():
        _audit(
            "casework.attachment.refused",
            actor=actor,
            case=case,
            data={"problem": problem, "size": size, "sniffed": media_type},
        )
    raise AttachmentRefused(message)


def attachment_add(
    *,
    actor: Any,
    case: VictimCase,
    content: bytes | IO[bytes],
    file_name: str,
    document_type: str = DocumentType.OTHER,
    description: str = "",
) -> CaseAttachment:
    """Check a file by its content and size, seal it, and keep it on the case.

    The type is what the bytes are (``sniffing``), which must be on the allow-list and
    agree with the file name's extension: a ``.pdf`` that is an executable is refused.
    Refusals are audited (the size and sniffed type, never the name).
    """
    if document_type not in DocumentType.values:
        raise CaseworkError(_("Unknown type of document."))
    limit = attachment_max_bytes()
    data = content if isinstance(content, bytes) else content.read(limit + 1)
    media_type = sniffing.sniff(data[:4096]) if data else sniffing.UNKNOWN
    if len(data) > limit:
        _refuse(
            actor,
            case,
            "size",
            len(data),
            media_type,
            _("Files may be at most %(size)s MB.") % {"size": limit // (1024 * 1024) or 1},
        )
    claimed = sniffing.extension_type(file_name)
    if media_type not in allowed_types() or (claimed is not None and claimed != media_type):
        _refuse(
            actor,
            case,
            "type",
            len(data),
            media_type,
            _("This kind of file is not accepted (the content does not match an allowed type)."),
        )
    with transaction.atomic():
        locked = _lock(case)
        refuse_if_closed(locked)
        stored = files.attachment_store(content=data, file_name=file_name, content_type=media_type)
        item = CaseAttachment.objects.create(
            organisation=locked.organisation,
            case=locked,
            attachment=stored,
            document_type=document_type,
            media_type=media_type,
            description=(description or "").strip() or None,
            uploaded_by=_user(actor),
        )
        data_out = {
            "attachment": str(item.public_id),
            "document_type": document_type,
            "media_type": media_type,
            "size": len(data),
        }
        _audit("casework.attachment.added", actor=actor, case=locked, data=data_out)
        timeline_add(actor=actor, case=locked, kind="casework.attachment.added", data=data_out)
    return item


def attachment_download(*, actor: Any, item: CaseAttachment) -> bytes:
    """The file's bytes for a reader the caller scoped; the download is audited."""
    content = files.attachment_read(item.attachment)
    with transaction.atomic():
        _audit(
            "casework.attachment.downloaded",
            actor=actor,
            case=item.case,
            data={"attachment": str(item.public_id), "size": len(content)},
        )
    return content


# --- assignment -------------------------------------------------------------------------------------


def eligible_workers(organisation: Organisation) -> list[Any]:
    """Active members of the organisation whose role works cases, by name."""
    memberships = Membership.objects.filter(
        organisation=organisation, is_active=True, user__is_active=True
    ).select_related("user")
    users = {m.user_id: m.user for m in memberships if m.has("cases.change")}
    return sorted(users.values(), key=lambda u: (str(u).lower(), u.pk))


def case_assign(*, actor: Any, case: VictimCase, worker: Any) -> VictimCase:
    """Give the case to ``worker`` (a case-working member of its organisation).

    Taking on or handing out a case nobody holds needs ``cases.assign``; moving a case a
    worker already holds is a transfer and needs ``cases.transfer`` (a supervisor).
    """
    if worker is None or not any(w.pk == worker.pk for w in eligible_workers(case.organisation)):
        raise CaseworkError(_("Choose a case worker of the organisation that holds the case."))
    with transaction.atomic():
        locked = _lock(case)
        refuse_if_closed(locked)
        previous = locked.assigned_to
        if previous is not None and previous.pk == worker.pk:
            return locked
        transfer = previous is not None
        needed = "cases.transfer" if transfer else "cases.assign"
        if not access.can(actor, needed):
            raise PermissionDenied(_("Only a supervisor may transfer a case another worker holds."))
        locked.assigned_to = worker
        locked.save(update_fields=["assigned_to", "updated_at"])
        # Open tasks follow the case unless someone else was named for them.
        Task.objects.unscoped(_LOCK).filter(case=locked, done_at__isnull=True).filter(
            assignee=previous
        ).update(assignee=worker)
        action = "casework.case.transferred" if transfer else "casework.case.assigned"
        data = {"worker": str(worker), "previous": str(previous) if previous else ""}
        _audit(action, actor=actor, case=locked, data=data)
        timeline_add(actor=actor, case=locked, kind=action, data=data)
    case.assigned_to = worker
    return locked


# --- closure and reopening ----------------------------------------------------------------------------


def closure_request(*, actor: Any, case: VictimCase, reason: str, note: str = "") -> ClosureRequest:
    """Ask a supervisor to close the case, with a coded reason (and an explanation)."""
    if reason not in ClosureReason.values:
        raise CaseworkError(_("Choose a reason for closing the case."))
    note = (note or "").strip()
    if reason == ClosureReason.OTHER and not note:
        raise CaseworkError(_("Explain the reason when it is 'other'."))
    with transaction.atomic():
        locked = _lock(case)
        refuse_if_closed(locked)
        if locked.state == CaseState.CLOSURE_REQUESTED:
            raise CaseworkError(_("Closing this case was requested already; a supervisor has to decide."))
        request = ClosureRequest.objects.create(
            organisation=locked.organisation,
            case=locked,
            reason=reason,
            note=note or None,
            requested_by=_user(actor),
        )
        locked.state = CaseState.CLOSURE_REQUESTED
        locked.save(update_fields=["state", "updated_at"])
        data = {"request": str(request.public_id), "reason": reason}
        _audit(
            "casework.closure.requested",
            actor=actor,
            case=locked,
            data={**data, "note": note},
            personal=("note",),
        )
        timeline_add(actor=actor, case=locked, kind="casework.closure.requested", data=data, text=note)
    case.state = locked.state
    return request


def closure_decide(*, actor: Any, request: ClosureRequest, approve: bool, note: str = "") -> ClosureRequest:
    """Approve (the case closes today) or reject (it stays open) a pending closure request.

    Nobody decides their own request, whatever their role.
    """
    note = (note or "").strip()
    if not approve and not note:
        raise CaseworkError(_("Say why the closure is rejected."))
    with transaction.atomic():
        case = _lock(request.case)
        locked = ClosureRequest.objects.unscoped(_LOCK).select_for_update().get(pk=request.pk)
        if locked.state != ClosureState.PENDING:
            raise CaseworkError(_("This request was decided already."))
        if locked.requested_by_id is not None and locked.requested_by_id == getattr(actor, "pk", None):
            raise PermissionDenied(_("You cannot approve or reject your own request to close a case."))
        locked.state = ClosureState.APPROVED if approve else ClosureState.REJECTED
        locked.decided_by = _user(actor)
        locked.decided_at = timezone.now()
        locked.decision_note = note or None
        locked.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        if approve:
            case.state = CaseState.CLOSED
            case.closed_on = timezone.localdate()
            case.closure_reason = locked.reason
        else:
            case.state = CaseState.OPEN
        case.save(update_fields=["state", "closed_on", "closure_reason", "updated_at"])
        action = "casework.closure.approved" if approve else "casework.closure.rejected"
        data = {"request": str(locked.public_id), "reason": locked.reason}
        _audit(action, actor=actor, case=case, data={**data, "note": note}, personal=("note",))
        timeline_add(actor=actor, case=case, kind=action, data=data, text=note)
    request.state, request.decided_by, request.decided_at = locked.state, locked.decided_by, locked.decided_at
    return locked  # type: ignore[no-any-return]


def case_reopen(*, actor: Any, case: VictimCase, reason: str) -> VictimCase:
    """Reopen a closed case, with the reason (audited, on the timeline)."""
    reason = (reason or "").strip()
    if not reason:
        raise CaseworkError(_("Say why the case is reopened."))
    with transaction.atomic():
        locked = _lock(case)
        if locked.state != CaseState.CLOSED:
            raise CaseworkError(_("Only a closed case can be reopened."))
        if locked.personal_data_erased_at is not None:
            raise CaseworkError(
                _("This case's personal data was erased after its retention period; it cannot be reopened.")
            )
        closed_on = locked.closed_on
        locked.state = CaseState.OPEN
        locked.closed_on = None
        locked.closure_reason = ""
        locked.save(update_fields=["state", "closed_on", "closure_reason", "updated_at"])
        data = {"closed_on": closed_on.isoformat() if closed_on else ""}
        _audit(
            "casework.case.reopened",
            actor=actor,
            case=locked,
            data={**data, "reason": reason},
            personal=("reason",),
        )
        timeline_add(actor=actor, case=locked, kind="casework.case.reopened", data=data, text=reason)
    case.state, case.closed_on, case.closure_reason = locked.state, None, ""
    return locked


# --- audited reads ---------------------------------------------------------------------------------------


def caseload_view(*, actor: Any, cases: Sequence[VictimCase]) -> int:
    """Record that each case on a caseload page was shown (as the case list does)."""
    if not cases:
        return 0
    with transaction.atomic():
        return len(log.record_many("cases.case.listed", targets=list(cases), actor=actor))


def person_export_record(*, actor: Any, person: Person, output: str, counts: Mapping[str, int]) -> None:
    """Record that everything held about ``person`` was exported (format and counts only)."""
    with transaction.atomic():
        log.record(
            "casework.person.exported",
            actor=actor,
            target=person,
            organisation=_organisation(actor, person.organisation),
            data={"reference": person.reference, "format": output, "counts": dict(counts)},
        )


# --- erasure and retention ----------------------------------------------------------------------------------


def _year_start(day: datetime.date | None) -> datetime.date | None:
    return day.replace(month=1, day=1) if day is not None else None


def case_personal_data_erase(*, actor: Any, case: VictimCase, reason: str = "retention") -> dict[str, int]:
    """Erase the personal data held on one case; keep its anonymous facts, dates to the year.

    Blanks the case's free text, the grounds of its decisions, the places and descriptions
    of events, perpetrator details, notes, task titles, closure explanations and timeline
    texts; deletes attached files (their blobs go after commit). Status, forms of
    exploitation, ages, countries and the person's gender and citizenship stay. Sends
    ``case_erasing`` so other modules erase what they hold on the case. Idempotent.
    """
    scope = "erasing a case the caller may erase"
    counts = {"notes": 0, "attachments": 0, "tasks": 0}
    with transaction.atomic():
        locked = VictimCase.objects.unscoped(scope).select_for_update().get(pk=case.pk)
        if locked.personal_data_erased_at is not None:
            return counts
        locked.notes = None
        for name in ("registered_on", "status_decided_on", "closed_on"):
            setattr(locked, name, _year_start(getattr(locked, name)))
        locked.personal_data_erased_at = timezone.now()
        locked.save()
        for decision in StatusDecision.objects.unscoped(scope).filter(case=locked):
            decision.note = None
            decision.decided_on = _year_start(decision.decided_on)
            decision.save(update_fields=["note", "decided_on"])
        for event in TraffickingEvent.objects.unscoped(scope).filter(case=locked):
            event.place = event.description = None
            event.occurred_on = _year_start(event.occurred_on)
            event.save(update_fields=["place", "description", "occurred_on"])
        PerpetratorAccount.objects.unscoped(scope).filter(case=locked).update(role_details=None)
        now = timezone.now()
        counts["notes"] = (
            CaseNote.objects.unscoped(scope)
            .filter(case=locked, erased_at__isnull=True)
            .update(text=None, erased_at=now)
        )
        counts["tasks"] = (
            Task.objects.unscoped(scope).filter(case=locked).exclude(title=None).update(title=None)
        )
        ClosureRequest.objects.unscoped(scope).filter(case=locked).update(note=None, decision_note=None)
        TimelineEntry.objects.unscoped(scope).filter(case=locked).update(text=None)
        for item in (
            CaseAttachment.objects.unscoped(scope)
            .filter(case=locked, erased_at__isnull=True)
            .select_related("attachment")
        ):
            files.attachment_erase(item.attachment)
            item.description = None
            item.erased_at = now
            item.save(update_fields=["description", "erased_at"])
            counts["attachments"] += 1
        case_erasing.send(sender=VictimCase, actor=actor, case=locked)
        from pharos.audit.actions import audit_redact_target

        target_type, target_id = log.target_ref(locked)
        redacted = audit_redact_target(
            actor=actor, target_type=target_type, target_id=target_id, reason=reason
        )
        _audit(
            "casework.case.erased",
            actor=actor,
            case=locked,
            data={**counts, "reason": reason, "redacted_events": len(redacted)},
        )
        timeline_add(actor=actor, case=locked, kind="casework.case.erased", data={})
    return counts


def casework_erase_for_person(*, actor: Any, person: Person) -> int:
    """Erase what case work holds on every case of ``person`` (sent with ``person_erase``)."""
    cases = list(
        VictimCase.objects.unscoped("erasing the cases of a person being erased").filter(person=person)
    )
    for case in cases:
        case_personal_data_erase(actor=actor, case=case, reason="erasure of the person")
    return len(cases)


def retention_years(country: Country | None) -> int:
    default = int(getattr(settings, "PHAROS_RETENTION_YEARS", 5))
    if country is None:
        return default
    rule = RetentionRule.objects.filter(country=country).first()
    return rule.years if rule is not None else default


def retention_rule_set(*, actor: Any, country: Country, years: int, legal_basis: str = "") -> RetentionRule:
    """Set how many years after closure a country's cases keep personal data."""
    if not 1 <= years <= 100:
        raise CaseworkError(_("The retention period is between 1 and 100 years."))
    with transaction.atomic():
        previous = retention_years(country)
        rule, _created = RetentionRule.objects.update_or_create(
            country=country,
            defaults={"years": years, "legal_basis": legal_basis.strip(), "changed_by": _user(actor)},
        )
        log.record(
            "casework.retention.changed",
            actor=actor,
            target_key=("tenancy.country", country.code),
            data={"country": country.code, "years": years, "previous": previous},
        )
    return rule


def expired_cases(*, today: datetime.date, organisation: Organisation | None = None) -> list[VictimCase]:
    """Closed, not yet erased cases whose country's retention period has run out by ``today``."""
    rows = (
        VictimCase.objects.unscoped(_SYSTEM)
        .filter(state=CaseState.CLOSED, personal_data_erased_at__isnull=True, closed_on__isnull=False)
        .select_related("organisation__country", "person")
    )
    if organisation is not None:
        rows = rows.filter(organisation=organisation)
    rules = {r.country_id: r.years for r in RetentionRule.objects.all()}
    default = retention_years(None)
    expired = []
    for case in rows.order_by("closed_on", "id"):
        years = rules.get(case.organisation.country_id, default)
        assert case.closed_on is not None
        try:
            limit = case.closed_on.replace(year=case.closed_on.year + years)
        except ValueError:  # 29 February
            limit = case.closed_on.replace(year=case.closed_on.year + years, day=28)
        if limit <= today:
            expired.append(case)
    return expired


def retention_apply(
    *,
    actor: Any,
    today: datetime.date | None = None,
    organisation: Organisation | None = None,
    progress: Any = None,
) -> dict[str, int]:
    """Erase the personal data of every case past its retention period; returns counts.

    A person whose every case has expired is erased as a whole (``person_erase``: names,
    birth date, contacts, blind indexes, and through its signal every case); a person with
    a case still open or still within its period keeps their identity, and only the
    expired case's own personal data goes. One audit event gives the counts.
    """
    from pharos.persons.actions import person_erase

    day = today or timezone.localdate()
    expired = expired_cases(today=day, organisation=organisation)
    if progress is not None:
        progress(len(expired), 0)
    expired_ids = {c.pk for c in expired}
    totals = {"cases": 0, "persons": 0, "notes": 0, "attachments": 0, "tasks": 0}
    done_persons: set[int] = set()
    for position, case in enumerate(expired, start=1):
        with transaction.atomic():
            person = case.person
            others = VictimCase.objects.unscoped(_SYSTEM).filter(person=person).exclude(pk__in=expired_ids)
            if person.pk not in done_persons and person.erased_at is None and not others.exists():
                # Count what the person's cases hold before the signal erases them.
                ids = list(
                    VictimCase.objects.unscoped(_SYSTEM).filter(person=person).values_list("pk", flat=True)
                )
                totals["notes"] += (
                    CaseNote.objects.unscoped(_SYSTEM).filter(case_id__in=ids, erased_at__isnull=True).count()
                )
                totals["attachments"] += (
                    CaseAttachment.objects.unscoped(_SYSTEM)
                    .filter(case_id__in=ids, erased_at__isnull=True)
                    .count()
                )
                totals["tasks"] += (
                    Task.objects.unscoped(_SYSTEM).filter(case_id__in=ids).exclude(title=None).count()
                )
                person_erase(actor=actor, person=person, reason="retention period over")
                totals["persons"] += 1
                done_persons.add(person.pk)
            else:
                counts = case_personal_data_erase(actor=actor, case=case, reason="retention period over")
                for key, value in counts.items():
                    totals[key] += value
            totals["cases"] += 1
        if progress is not None:
            progress(len(expired), position)
    with transaction.atomic():
        log.record(
            "casework.retention.applied",
            actor=actor,
            organisation=organisation,
            data={
                **totals,
                "today": day.isoformat(),
                "organisation": organisation.code if organisation else "",
            },
        )
    return totals
