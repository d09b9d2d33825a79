"""Writes about victim cases and criminal-justice records, and the audited reads.

Every function validates what it is given with ``pharos.cases.validation`` (the rules the
forms, the API and the import use), runs in one transaction, records its audit event with
personal values masked (the event names which fields were given or changed, never their
values) and returns what it changed. A caller that already validated through a form passes
its ``Vocabulary`` so the code lists are not read twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from pharos.audit import log
from pharos.cases import validation
from pharos.cases.fields import held_codes
from pharos.cases.models import (
    STAGE_ORDER,
    CaseState,
    Defendant,
    Outcome,
    PerpetratorAccount,
    Proceeding,
    ProceedingVictim,
    ReferenceCounter,
    Stage,
    StatusDecision,
    Suspect,
    TraffickingEvent,
    VictimCase,
)
from pharos.cases.validation import Invalid, Problem, Vocabulary
from pharos.persons.models import Person
from pharos.tenancy import access
from pharos.tenancy.models import Organisation

_LOCK_REASON = "locking a record the caller already looked up in its scope"
PROVENANCE_FIELDS = ("source_org", "import_batch", "source_row", "source_file_sha256", "external_id")
CASE_FIELDS = (*validation.CASE_RULES, "identified_by")
SUSPECT_FIELDS = tuple(validation.SUSPECT_RULES)
PROCEEDING_FIELDS = (*validation.PROCEEDING_RULES, "stage")


class CaseError(ValueError):
    """A write was refused for a reason other than a field's value (the message says why)."""


def refuse_if_closed(case: VictimCase) -> None:
    """Closed cases are read-only (pharos.casework reopens them): refuse any other write.

    Call with the case row locked (or just read inside the writing transaction).
    """
    if case.state == CaseState.CLOSED:
        raise CaseError(_("This case is closed; reopen it before changing it."))


def _acting_organisation(actor: Any, fallback: Organisation) -> Organisation:
    membership = access.acting_membership(actor)
    return membership.organisation if membership is not None else fallback


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _next_reference(organisation: Organisation, kind: str) -> str:
    """MK-ORGCODE-VC-2026-00001: the next number of the organisation's year, under a row lock."""
    year = timezone.localdate().year
    counter, _created = ReferenceCounter.objects.get_or_create(
        organisation=organisation, kind=kind, year=year
    )
    # The UPDATE takes the row lock until commit: concurrent registrations queue here.
    ReferenceCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    number = ReferenceCounter.objects.values_list("last", flat=True).get(pk=counter.pk)
    return f"{organisation.country.code}-{organisation.code.upper()}-{kind}-{year}-{number:05d}"


def _provenance(values: Mapping[str, Any] | None) -> dict[str, Any]:
    given = dict(values or {})
    unknown = set(given) - set(PROVENANCE_FIELDS)
    if unknown:
        raise CaseError(f"Unknown provenance fields: {sorted(unknown)}")
    given.setdefault("source_file_sha256", "")
    given.setdefault("external_id", "")
    given["external_id"] = str(given["external_id"] or "").strip()
    return given


def _given(values: Mapping[str, Any]) -> list[str]:
    return [name for name, value in values.items() if value not in (None, "", [], ())]


def _raise_if(problems: Sequence[Problem]) -> None:
    if problems:
        raise Invalid(problems)


def _changed(record: Model, clean: Mapping[str, Any]) -> list[str]:
    return [name for name, value in clean.items() if getattr(record, name) != value]


def _normalise(clean: dict[str, Any], record_type: type[Model]) -> dict[str, Any]:
    """Empty text as NULL for encrypted fields ("nothing recorded" has one form)."""
    for name, value in list(clean.items()):
        field = record_type._meta.get_field(name)
        if getattr(field, "encrypted", False) and value == "":
            clean[name] = None
    return clean


# --- victim cases --------------------------------------------------------------------------------


def _decision_values(
    decision: Mapping[str, Any], vocabulary: Vocabulary, problems: list[Problem]
) -> dict[str, Any]:
    clean, found = validation.check_decision(decision, vocabulary=vocabulary)
    problems.extend(found)
    org, found = validation.check_organisation(
        "decision_org", _lazy("Deciding organisation"), decision.get("decision_org")
    )
    problems.extend(found)
    clean["decision_org"] = org
    clean["note"] = clean.get("note") or None
    return clean


def _case_values(
    facts: Mapping[str, Any],
    vocabulary: Vocabulary,
    problems: list[Problem],
    *,
    keep: Mapping[str, Iterable[str]] | None = None,
    complete: bool = True,
) -> dict[str, Any]:
    clean, found = validation.check_case(facts, vocabulary=vocabulary, keep=keep, complete=complete)
    problems.extend(found)
    if "identified_by" in facts:
        org, found = validation.check_organisation(
            "identified_by", _lazy("Identifying organisation"), facts.get("identified_by")
        )
        problems.extend(found)
        clean["identified_by"] = org
    unknown = set(facts) - set(CASE_FIELDS)
    if unknown:
        raise CaseError(f"{sorted(unknown)} are not fields of a victim case that can be set.")
    return _normalise(clean, VictimCase)


def case_register(
    *,
    actor: Any,
    organisation: Organisation,
    facts: Mapping[str, Any],
    decision: Mapping[str, Any],
    person: Person | None = None,
    new_person: Mapping[str, Any] | None = None,
    provenance: Mapping[str, Any] | None = None,
    vocabulary: Vocabulary | None = None,
) -> VictimCase:
    """Open a victim case for ``person`` (or for a person registered here from ``new_person``).

    ``decision`` is the first status decision (status, decision_org_type, decided_on,
    decision_org, note). Raises ``Invalid`` listing every problem, ``CaseError`` otherwise.
    """
    vocab = vocabulary or Vocabulary()
    problems: list[Problem] = []
    values = _case_values(facts, vocab, problems)
    first = _decision_values(decision, vocab, problems)
    _raise_if(problems)
    if (person is None) == (new_person is None):
        raise CaseError(_("Give either a registered person or the details of a new one."))
    prov = _provenance(provenance)
    with transaction.atomic():
        if new_person is not None:
            from pharos.persons.actions import person_register

            person = person_register(actor=actor, organisation=organisation, **new_person)
        assert person is not None
        if person.organisation_id != organisation.pk:
            raise CaseError(_("A case can only be opened for a person of the same organisation."))
        if person.erased_at is not None:
            raise CaseError(_("This person's personal data was erased; no case can be opened for them."))
        case = VictimCase(
            organisation=organisation,
            reference=_next_reference(organisation, "VC"),
            person=person,
            trafficking_status=first["status"],
            status_decision_org_type=first["decision_org_type"],
            status_decision_org=first["decision_org"],
            status_decided_on=first["decided_on"],
            created_by=_user(actor),
            **values,
            **prov,
        )
        case.save()
        StatusDecision.objects.create(
            organisation=organisation,
            case=case,
            recorded_by=_user(actor),
            **first,
            **{k: v for k, v in prov.items() if k != "external_id"},
        )
        log.record(
            "cases.case.created",
            actor=actor,
            target=case,
            organisation=_acting_organisation(actor, organisation),
            data={
                "reference": case.reference,
                "person": person.reference,
                "status": case.trafficking_status,
                "fields": _given(values),
                "import_batch": str(prov["import_batch"]) if prov.get("import_batch") else None,
            },
            personal=VictimCase.PERSONAL_FIELDS,
        )
    return case


def _next_references(organisation: Organisation, kind: str, count: int) -> list[str]:
    """``count`` consecutive references, reserved with one UPDATE of the row-locked counter."""
    year = timezone.localdate().year
    counter, _created = ReferenceCounter.objects.get_or_create(
        organisation=organisation, kind=kind, year=year
    )
    ReferenceCounter.objects.filter(pk=counter.pk).update(last=F("last") + count)
    last = ReferenceCounter.objects.values_list("last", flat=True).get(pk=counter.pk)
    prefix = f"{organisation.country.code}-{organisation.code.upper()}-{kind}-{year}"
    return [f"{prefix}-{number:05d}" for number in range(last - count + 1, last + 1)]


def case_register_checked_many(
    *,
    actor: Any,
    organisation: Organisation,
    drafts: Sequence[tuple[Mapping[str, Any], Mapping[str, Any], Mapping[str, Any], Mapping[str, Any]]],
    source: str = "",
) -> list[VictimCase]:
    """Open many cases at once, each for a new person: an import's batch of rows.

    Each draft is ``(values, decision, person, provenance)`` where ``values`` and
    ``decision`` are the **clean** values ``validation.check_case`` and
    ``validation.check_decision`` returned without problems (the import checks every row
    with them and keeps what they return, so rows are not validated twice), ``person`` holds
    ``person_register``'s arguments. One INSERT per table, and one audit entry per call
    (count, first and last reference, ``source``) besides the persons' own; every case
    keeps its provenance (source organisation, file, batch, row).
    """
    if not drafts:
        return []
    from pharos.persons.actions import person_register_many

    user = _user(actor)
    rows: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = []
    for values, decision, _person, provenance in drafts:
        clean = _normalise({k: v for k, v in values.items() if k in CASE_FIELDS}, VictimCase)
        first = {"decision_org": None, "note": None, **decision}
        unknown = (set(values) - set(CASE_FIELDS)) | (
            set(first) - set(validation.DECISION_RULES) - {"decision_org"}
        )
        if unknown:
            raise CaseError(f"{sorted(unknown)} are not fields of a victim case that can be set.")
        rows.append((clean, first, _provenance(provenance)))
    with transaction.atomic():
        persons = person_register_many(
            actor=actor, organisation=organisation, persons=[d[2] for d in drafts], source=source
        )
        references = _next_references(organisation, "VC", len(rows))
        cases = VictimCase.objects.bulk_create(
            [
                VictimCase(
                    organisation=organisation,
                    reference=reference,
                    person=person,
                    trafficking_status=first["status"],
                    status_decision_org_type=first["decision_org_type"],
                    status_decision_org=first["decision_org"],
                    status_decided_on=first["decided_on"],
                    created_by=user,
                    **clean,
                    **prov,
                )
                for reference, person, (clean, first, prov) in zip(references, persons, rows, strict=True)
            ]
        )
        StatusDecision.objects.bulk_create(
            [
                StatusDecision(
                    organisation=organisation,
                    case=case,
                    recorded_by=user,
                    **first,
                    **{k: v for k, v in prov.items() if k != "external_id"},
                )
                for case, (_clean, first, prov) in zip(cases, rows, strict=True)
            ]
        )
        log.record(
            "cases.case.created_many",
            actor=actor,
            organisation=_acting_organisation(actor, organisation),
            target_key=("cases.victimcase", references[0][:64]),
            data={"count": len(cases), "first": references[0], "last": references[-1], "source": source},
        )
    return cases


def case_change(
    *, actor: Any, case: VictimCase, changes: Mapping[str, Any], vocabulary: Vocabulary | None = None
) -> list[str]:
    """Apply ``changes`` to a case's facts; returns the names of the fields that changed.

    The status is not changed here (``case_status_decide`` keeps its history). Codes the case
    already holds stay acceptable even if their list has closed them since.
    """
    vocab = vocabulary or Vocabulary()
    problems: list[Problem] = []
    with transaction.atomic():
        locked = VictimCase.objects.unscoped(_LOCK_REASON).select_for_update().get(pk=case.pk)
        refuse_if_closed(locked)
        current = {name: getattr(locked, name) for name in validation.CASE_RULES}
        merged = {**current, **changes}
        values = _case_values(merged, vocab, problems, keep=held_codes(locked), complete=False)
        _raise_if(problems)
        changed = _changed(locked, {k: v for k, v in values.items() if k in changes})
        if not changed:
            return []
        for name in changed:
            setattr(locked, name, values[name])
        locked.save()
        log.record(
            "cases.case.changed",
            actor=actor,
            target=locked,
            organisation=_acting_organisation(actor, locked.organisation),
            data={"reference": locked.reference, "changed": changed},
            personal=VictimCase.PERSONAL_FIELDS,
        )
    for name in (*changed, "updated_at"):
        setattr(case, name, getattr(locked, name))
    return changed


def case_status_decide(
    *,
    actor: Any,
    case: VictimCase,
    decision: Mapping[str, Any],
    provenance: Mapping[str, Any] | None = None,
    vocabulary: Vocabulary | None = None,
) -> StatusDecision:
    """Record a decision on the person's trafficking status; the latest decision is the current status.

    A decision dated before the current one (entered late) joins the history without
    changing the current status. The same decision twice is refused.
    """
    vocab = vocabulary or Vocabulary()
    problems: list[Problem] = []
    values = _decision_values(decision, vocab, problems)
    _raise_if(problems)
    prov = _provenance(provenance)
    with transaction.atomic():
        locked = VictimCase.objects.unscoped(_LOCK_REASON).select_for_update().get(pk=case.pk)
        refuse_if_closed(locked)
        same = StatusDecision.objects.unscoped(_LOCK_REASON).filter(
            case=locked,
            status=values["status"],
            decision_org_type=values["decision_org_type"],
            decided_on=values["decided_on"],
        )
        if same.exists():
            raise CaseError(
                _("This decision (same status, type of organisation and date) is already recorded.")
            )
        made = StatusDecision.objects.create(
            organisation=locked.organisation, case=locked, recorded_by=_user(actor), **values, **prov
        )
        previous = locked.trafficking_status
        current = locked.status_decided_on is None or values["decided_on"] >= locked.status_decided_on
        if current:
            locked.trafficking_status = values["status"]
            locked.status_decision_org_type = values["decision_org_type"]
            locked.status_decision_org = values["decision_org"]
            locked.status_decided_on = values["decided_on"]
            locked.save()
        log.record(
            "cases.case.status_decided",
            actor=actor,
            target=locked,
            organisation=_acting_organisation(actor, locked.organisation),
            data={
                "reference": locked.reference,
                "status": values["status"],
                "previous": previous,
                "decided_on": values["decided_on"].isoformat(),
                "decision_org_type": values["decision_org_type"],
                "current": current,
                "note": values["note"],
            },
            personal=StatusDecision.PERSONAL_FIELDS,
        )
    for name in (
        "trafficking_status",
        "status_decision_org_type",
        "status_decision_org",
        "status_decided_on",
    ):
        setattr(case, name, getattr(locked, name))
    return made


def event_add(
    *,
    actor: Any,
    case: VictimCase,
    values: Mapping[str, Any],
    provenance: Mapping[str, Any] | None = None,
    vocabulary: Vocabulary | None = None,
) -> TraffickingEvent:
    """Add a recruitment, transit or exploitation event (place, country, date) to a case."""
    clean, problems = validation.check_event(values, vocabulary=vocabulary or Vocabulary())
    _raise_if(problems)
    prov = _provenance(provenance)
    with transaction.atomic():
        refuse_if_closed(VictimCase.objects.unscoped(_LOCK_REASON).select_for_update().get(pk=case.pk))
        event = TraffickingEvent.objects.create(
            organisation=case.organisation,
            case=case,
            created_by=_user(actor),
            **_normalise(clean, TraffickingEvent),
            **prov,
        )
        log.record(
            "cases.event.added",
            actor=actor,
            target=case,
            organisation=_acting_organisation(actor, case.organisation),
            data={
                "reference": case.reference,
                "event": str(event.public_id),
                "event_type": event.event_type,
                "fields": _given(clean),
            },
            personal=TraffickingEvent.PERSONAL_FIELDS,
        )
    return event


def perpetrator_account_add(
    *,
    actor: Any,
    case: VictimCase,
    values: Mapping[str, Any],
    provenance: Mapping[str, Any] | None = None,
    vocabulary: Vocabulary | None = None,
) -> PerpetratorAccount:
    """Add what the victim said about one perpetrator (kept apart from criminal-justice records)."""
    clean, problems = validation.check_perpetrator_account(values, vocabulary=vocabulary or Vocabulary())
    _raise_if(problems)
    prov = _provenance(provenance)
    with transaction.atomic():
        refuse_if_closed(VictimCase.objects.unscoped(_LOCK_REASON).select_for_update().get(pk=case.pk))
        account = PerpetratorAccount.objects.create(
            organisation=case.organisation,
            case=case,
            created_by=_user(actor),
            **_normalise(clean, PerpetratorAccount),
            **prov,
        )
        log.record(
            "cases.perpetrator_account.added",
            actor=actor,
            target=case,
            organisation=_acting_organisation(actor, case.organisation),
            data={"reference": case.reference, "account": str(account.public_id), "fields": _given(clean)},
            personal=PerpetratorAccount.PERSONAL_FIELDS,
        )
    return account


def cases_erase_for_person(*, actor: Any, person: Person) -> int:
    """Blank the free text of every case of ``person``; returns how many cases were touched.

    Notes, grounds of decisions, places and descriptions of events and the details of
    perpetrator accounts may identify the person: they go. The coded facts (status, forms
    of exploitation, ages, countries) stay, as the person's gender and citizenship do, for
    statistics. To be called with ``persons.actions.person_erase``.
    """
    reason = "erasing the personal data of a person the caller may erase"
    with transaction.atomic():
        cases = list(VictimCase.objects.unscoped(reason).select_for_update().filter(person=person))
        for case in cases:
            case.notes = None
            case.save(update_fields=["notes", "updated_at"])
            StatusDecision.objects.unscoped(reason).filter(case=case).update(note=None)
            TraffickingEvent.objects.unscoped(reason).filter(case=case).update(place=None, description=None)
            PerpetratorAccount.objects.unscoped(reason).filter(case=case).update(role_details=None)
            log.record(
                "cases.case.erased",
                actor=actor,
                target=case,
                organisation=_acting_organisation(actor, case.organisation),
                data={"reference": case.reference, "person": person.reference},
            )
    return len(cases)


def case_view(*, actor: Any, case: VictimCase, purpose: str = "detail") -> VictimCase:
    """Record that ``actor`` saw the case (``purpose``: detail, edit, api)."""
    with transaction.atomic():
        log.record(
            "cases.case.viewed",
            actor=actor,
            target=case,
            organisation=_acting_organisation(actor, case.organisation),
            data={"reference": case.reference, "purpose": purpose},
        )
    return case


def case_list(*, actor: Any, cases: Sequence[VictimCase]) -> int:
    """Record that each of ``cases`` was shown to ``actor`` on a list; returns how many."""
    if not cases:
        return 0
    with transaction.atomic():
        return len(log.record_many("cases.case.listed", targets=list(cases), actor=actor))


def case_history_view(*, actor: Any, case: VictimCase) -> VictimCase:
    """Record that ``actor`` looked at who viewed or changed the case."""
    with transaction.atomic():
        log.record(
            "cases.case.history_viewed",
            actor=actor,
            target=case,
            organisation=_acting_organisation(actor, case.organisation),
            data={"reference": case.reference},
        )
    return case


# --- suspects ------------------------------------------------------------------------------------


def _suspect_values(
    values: Mapping[str, Any],
    vocabulary: Vocabulary,
    *,
    keep: Mapping[str, Iterable[str]] | None = None,
    complete: bool = True,
) -> dict[str, Any]:
    unknown = set(values) - set(SUSPECT_FIELDS)
    if unknown:
        raise CaseError(f"{sorted(unknown)} are not fields of a suspect that can be set.")
    clean, problems = validation.check_suspect(values, vocabulary=vocabulary, keep=keep, complete=complete)
    _raise_if(problems)
    return _normalise(clean, Suspect)


def suspect_register(
    *,
    actor: Any,
    organisation: Organisation,
    values: Mapping[str, Any],
    provenance: Mapping[str, Any] | None = None,
    vocabulary: Vocabulary | None = None,
) -> Suspect:
    """Register a person suspected of trafficking; returns the new Suspect."""
    clean = _suspect_values(values, vocabulary or Vocabulary())
    prov = _provenance(provenance)
    with transaction.atomic():
        suspect = Suspect(
            organisation=organisation,
            reference=_next_reference(organisation, "SU"),
            created_by=_user(actor),
            **clean,
            **prov,
        )
        suspect.save()
        log.record(
            "cases.suspect.registered",
            actor=actor,
            target=suspect,
            organisation=_acting_organisation(actor, organisation),
            data={"reference": suspect.reference, "fields": _given(clean)},
            personal=Suspect.PERSONAL_FIELDS,
        )
    return suspect


def suspect_change(
    *, actor: Any, suspect: Suspect, changes: Mapping[str, Any], vocabulary: Vocabulary | None = None
) -> list[str]:
    """Apply ``changes`` to a suspect; returns the names of the fields that changed."""
    with transaction.atomic():
        locked = Suspect.objects.unscoped(_LOCK_REASON).select_for_update().get(pk=suspect.pk)
        clean = _suspect_values(changes, vocabulary or Vocabulary(), keep=held_codes(locked), complete=False)
        changed = _changed(locked, clean)
        if not changed:
            return []
        for name in changed:
            setattr(locked, name, clean[name])
        locked.save()
        log.record(
            "cases.suspect.changed",
            actor=actor,
            target=locked,
            organisation=_acting_organisation(actor, locked.organisation),
            data={"reference": locked.reference, "changed": changed},
            personal=Suspect.PERSONAL_FIELDS,
        )
    for name in (*changed, "updated_at", "identity_index"):
        setattr(suspect, name, getattr(locked, name))
    return changed


def _read(action: str, actor: Any, record: Suspect | Proceeding, **data: Any) -> None:
    with transaction.atomic():
        log.record(
            action,
            actor=actor,
            target=record,
            organisation=_acting_organisation(actor, record.organisation),
            data={"reference": record.reference, **data},
        )


def suspect_view(*, actor: Any, suspect: Suspect, purpose: str = "detail") -> Suspect:
    """Record that ``actor`` saw the suspect's record."""
    _read("cases.suspect.viewed", actor, suspect, purpose=purpose)
    return suspect


def suspect_list(*, actor: Any, suspects: Sequence[Suspect]) -> int:
    if not suspects:
        return 0
    with transaction.atomic():
        return len(log.record_many("cases.suspect.listed", targets=list(suspects), actor=actor))


def suspect_history_view(*, actor: Any, suspect: Suspect) -> Suspect:
    _read("cases.suspect.history_viewed", actor, suspect)
    return suspect


# --- proceedings ---------------------------------------------------------------------------------


def _stage(value: Any, current: str | None) -> str:
    stage = str(value or current or Stage.INVESTIGATION)
    if stage not in STAGE_ORDER:
        raise Invalid(
            [
                Problem(
                    "stage",
                    "invalid_choice",
                    _("“%(value)s” is not a stage. Valid values: %(suggestions)s.")
                    % {"value": stage, "suggestions": ", ".join(Stage.values)},
                    value=stage,
                    suggestions=tuple(Stage.values),
                )
            ]
        )
    if current is not None and STAGE_ORDER[stage] < STAGE_ORDER[current]:
        raise Invalid(
            [
                Problem(
                    "stage",
                    "stage_backwards",
                    _(
                        "A proceeding cannot go back from “%(current)s” to “%(stage)s”: record a retrial or a reopened investigation as a new proceeding."
                    )
                    % {"current": Stage(current).label, "stage": Stage(stage).label},
                    value=stage,
                )
            ]
        )
    return stage


def _proceeding_values(
    values: Mapping[str, Any],
    vocabulary: Vocabulary,
    *,
    current: Proceeding | None = None,
) -> dict[str, Any]:
    unknown = set(values) - set(PROCEEDING_FIELDS)
    if unknown:
        raise CaseError(f"{sorted(unknown)} are not fields of a proceeding that can be set.")
    merged = dict(values)
    if current is not None:
        merged = {**{name: getattr(current, name) for name in validation.PROCEEDING_RULES}, **values}
    clean, problems = validation.check_proceeding(
        merged, vocabulary=vocabulary, keep=held_codes(current) if current else None
    )
    stage = _stage(merged.get("stage"), current.stage if current else None)
    if (
        stage == Stage.CLOSED
        and not clean.get("closed_on")
        and not any(p.field == "closed_on" for p in problems)
    ):
        problems.append(Problem("closed_on", "required", _("Give the date the proceeding was closed.")))
    _raise_if(problems)
    clean["stage"] = stage
    return _normalise(clean, Proceeding)


def _check_same_organisation(
    organisation: Organisation, suspects: Iterable[Suspect], cases: Iterable[VictimCase]
) -> None:
    theirs = [s for s in suspects if s.organisation_id != organisation.pk]
    theirs_too = [c for c in cases if c.organisation_id != organisation.pk]
    if theirs or theirs_too:
        raise CaseError(_("A proceeding can only concern suspects and victim cases of its own organisation."))


def proceeding_record(
    *,
    actor: Any,
    organisation: Organisation,
    values: Mapping[str, Any],
    suspects: Sequence[Suspect] = (),
    cases: Sequence[VictimCase] = (),
    provenance: Mapping[str, Any] | None = None,
    vocabulary: Vocabulary | None = None,
) -> Proceeding:
    """Record a proceeding with its suspects (as defendants) and the victim cases it concerns."""
    clean = _proceeding_values(values, vocabulary or Vocabulary())
    _check_same_organisation(organisation, suspects, cases)
    prov = _provenance(provenance)
    with transaction.atomic():
        proceeding = Proceeding(
            organisation=organisation,
            reference=_next_reference(organisation, "PR"),
            created_by=_user(actor),
            **clean,
            **prov,
        )
        proceeding.save()
        _link(proceeding, suspects, cases)
        log.record(
            "cases.proceeding.recorded",
            actor=actor,
            target=proceeding,
            organisation=_acting_organisation(actor, organisation),
            data={
                "reference": proceeding.reference,
                "stage": proceeding.stage,
                "fields": _given(clean),
                "suspects": [s.reference for s in suspects],
                "cases": [c.reference for c in cases],
            },
            personal=Proceeding.PERSONAL_FIELDS,
        )
    return proceeding


def _link(proceeding: Proceeding, suspects: Iterable[Suspect], cases: Iterable[VictimCase]) -> None:
    Defendant.objects.bulk_create(
        [Defendant(organisation=proceeding.organisation, proceeding=proceeding, suspect=s) for s in suspects]
    )
    ProceedingVictim.objects.bulk_create(
        [ProceedingVictim(organisation=proceeding.organisation, proceeding=proceeding, case=c) for c in cases]
    )


def proceeding_change(
    *,
    actor: Any,
    proceeding: Proceeding,
    changes: Mapping[str, Any],
    suspects: Sequence[Suspect] | None = None,
    cases: Sequence[VictimCase] | None = None,
    vocabulary: Vocabulary | None = None,
) -> list[str]:
    """Change a proceeding; ``suspects`` / ``cases`` (when given) replace its links.

    The stage only moves forward. A defendant whose outcome is recorded cannot be removed.
    """
    with transaction.atomic():
        locked = Proceeding.objects.unscoped(_LOCK_REASON).select_for_update().get(pk=proceeding.pk)
        clean = _proceeding_values(changes, vocabulary or Vocabulary(), current=locked)
        changed = _changed(locked, {k: v for k, v in clean.items() if k in changes})
        _check_same_organisation(locked.organisation, suspects or (), cases or ())
        linked = _relink(locked, suspects, cases)
        if not changed and not linked:
            return []
        for name in changed:
            setattr(locked, name, clean[name])
        locked.save()
        log.record(
            "cases.proceeding.changed",
            actor=actor,
            target=locked,
            organisation=_acting_organisation(actor, locked.organisation),
            data={"reference": locked.reference, "changed": [*changed, *linked], "stage": locked.stage},
            personal=Proceeding.PERSONAL_FIELDS,
        )
    for name in (*changed, "updated_at"):
        setattr(proceeding, name, getattr(locked, name))
    return [*changed, *linked]


def _relink(
    proceeding: Proceeding, suspects: Sequence[Suspect] | None, cases: Sequence[VictimCase] | None
) -> list[str]:
    linked: list[str] = []
    if suspects is not None:
        defendants = Defendant.objects.unscoped(_LOCK_REASON).filter(proceeding=proceeding)
        current = set(defendants.values_list("suspect_id", flat=True))
        wanted = {s.pk for s in suspects}
        leaving = defendants.filter(suspect_id__in=current - wanted)
        if leaving.exclude(outcome=Outcome.PENDING).exists():
            raise CaseError(_("A defendant whose outcome is recorded cannot be removed from the proceeding."))
        if current != wanted:
            leaving.delete()
            _link(proceeding, [s for s in suspects if s.pk not in current], ())
            linked.append("suspects")
    if cases is not None:
        victims = ProceedingVictim.objects.unscoped(_LOCK_REASON).filter(proceeding=proceeding)
        current = set(victims.values_list("case_id", flat=True))
        wanted = {c.pk for c in cases}
        if current != wanted:
            victims.filter(case_id__in=current - wanted).delete()
            _link(proceeding, (), [c for c in cases if c.pk not in current])
            linked.append("cases")
    return linked


def defendant_outcome_record(
    *, actor: Any, defendant: Defendant, values: Mapping[str, Any], vocabulary: Vocabulary | None = None
) -> list[str]:
    """Record what the proceeding decided for one defendant (conviction, acquittal, sentence…).

    A conviction or an acquittal needs the proceeding to have reached trial.
    """
    clean, problems = validation.check_defendant(values, vocabulary=vocabulary or Vocabulary())
    _raise_if(problems)
    with transaction.atomic():
        locked = (
            Defendant.objects.unscoped(_LOCK_REASON)
            .select_for_update()
            .select_related("proceeding", "suspect")
            .get(pk=defendant.pk)
        )
        proceeding = locked.proceeding
        if (
            clean["outcome"] in (Outcome.CONVICTED, Outcome.ACQUITTED)
            and STAGE_ORDER[proceeding.stage] < STAGE_ORDER[Stage.TRIAL]
        ):
            raise Invalid(
                [
                    Problem(
                        "outcome",
                        "not_at_trial",
                        _(
                            "A conviction or an acquittal needs the proceeding to have reached trial; change its stage first."
                        ),
                        value=clean["outcome"],
                    )
                ]
            )
        full = {
            "decided_on": None,
            "sentence_months": None,
            "fine": None,
            **clean,
        }
        changed = _changed(locked, full)
        if not changed:
            return []
        for name in changed:
            setattr(locked, name, full[name])
        locked.save()
        data = {
            "reference": proceeding.reference,
            "suspect": locked.suspect.reference,
            "outcome": locked.outcome,
            "changed": changed,
        }
        organisation = _acting_organisation(actor, proceeding.organisation)
        log.record(
            "cases.defendant.outcome_recorded",
            actor=actor,
            target=proceeding,
            organisation=organisation,
            data=data,
        )
        log.record(
            "cases.defendant.outcome_recorded",
            actor=actor,
            target=locked.suspect,
            organisation=organisation,
            data=data,
        )
    for name in changed:
        setattr(defendant, name, getattr(locked, name))
    return changed


def proceeding_view(*, actor: Any, proceeding: Proceeding, purpose: str = "detail") -> Proceeding:
    _read("cases.proceeding.viewed", actor, proceeding, purpose=purpose)
    return proceeding


def proceeding_list(*, actor: Any, proceedings: Sequence[Proceeding]) -> int:
    if not proceedings:
        return 0
    with transaction.atomic():
        return len(log.record_many("cases.proceeding.listed", targets=list(proceedings), actor=actor))


def proceeding_history_view(*, actor: Any, proceeding: Proceeding) -> Proceeding:
    _read("cases.proceeding.history_viewed", actor, proceeding)
    return proceeding
