"""Writes of the assistance pathway, and its audited reads.

One function per verb, one transaction, the case row locked and refused when closed, an
audit entry that names the measure and which fields were given (never their values), a
timeline entry for the case worker, and the deadlines case work follows: the end of a
reflection period and the reviews of plans and risk assessments become casework tasks
(``casework.actions.task_create``, one per measure, moved when the date changes).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pharos.assistance import models as m
from pharos.assistance.measures import MeasureKind
from pharos.audit import log
from pharos.cases.actions import refuse_if_closed
from pharos.cases.models import VictimCase
from pharos.casework import actions as casework
from pharos.casework.models import TaskKind
from pharos.tenancy import access
from pharos.tenancy.models import Country, Organisation

_LOCK = "locking a case the caller already looked up in its scope"


class AssistanceError(ValueError):
    """A write was refused for a reason other than a field's value (the message says why)."""


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _organisation(actor: Any, fallback: Organisation) -> Organisation:
    membership = access.acting_membership(actor)
    return membership.organisation if membership is not None else fallback


def _lock(case: VictimCase) -> VictimCase:
    locked = VictimCase.objects.unscoped(_LOCK).select_for_update().get(pk=case.pk)
    refuse_if_closed(locked)
    return locked  # type: ignore[no-any-return]


def _audit(action: str, *, actor: Any, case: VictimCase, data: Mapping[str, Any]) -> None:
    log.record(
        action,
        actor=actor,
        target=case,
        organisation=_organisation(actor, case.organisation),
        data={"reference": case.reference, **data},
    )


def _given(values: Mapping[str, Any]) -> list[str]:
    return sorted(name for name, value in values.items() if value not in (None, "", [], ()))


def _validate(record: m.AssistanceRecord) -> None:
    # Uniqueness is the database's (public ids are random); the scoped manager refuses those queries.
    record.full_clean(
        exclude=["organisation", "case", "recorded_by", "ends_on", "plan"], validate_unique=False
    )


# --- rules and deadlines ---------------------------------------------------------------------------


def reflection_rule(country: Country | None) -> tuple[int, int, str]:
    """(duration days, warning days, legal basis) for a country; 30 and 7 without a rule."""
    found = m.ReflectionRule.objects.filter(country=country).first() if country is not None else None
    if found is None:
        return m.DEFAULT_REFLECTION_DAYS, m.DEFAULT_WARNING_DAYS, ""
    return found.duration_days, found.warning_days, found.legal_basis


def _deadline(
    actor: Any, case: VictimCase, record: m.AssistanceRecord, kind: str, due_on: Any, title: str
) -> None:
    if due_on is None:
        return
    casework.task_create(
        actor=actor,
        case=case,
        kind=kind,
        title=title,
        due_on=due_on,
        source=f"assistance.{record._meta.model_name}:{record.public_id}",
    )


def _deadlines_of(actor: Any, case: VictimCase, record: m.AssistanceRecord) -> None:
    """The casework tasks a measure implies (idempotent: one task per measure, moved on change)."""
    if isinstance(record, m.ReflectionPeriod) and not record.ended_on:
        _deadline(
            actor,
            case,
            record,
            TaskKind.REFLECTION_PERIOD_END,
            record.ends_on,
            _("The recovery and reflection period ends on %(date)s") % {"date": record.ends_on.isoformat()},
        )
    elif isinstance(record, m.SupportPlan):
        _deadline(
            actor,
            case,
            record,
            TaskKind.PLAN_REVIEW,
            record.next_review_on,
            _("Review the support and safety plan"),
        )
    elif isinstance(record, m.RiskAssessment):
        _deadline(
            actor, case, record, TaskKind.FOLLOW_UP, record.next_review_on, _("Review the risk assessment")
        )
    elif isinstance(record, m.ReturnPlan):
        _deadline(
            actor,
            case,
            record,
            TaskKind.FOLLOW_UP,
            record.reintegration_review_on,
            _("Review the reintegration plan"),
        )


# --- stages ---------------------------------------------------------------------------------------


def _entries(case: VictimCase) -> list[m.StageEntry]:
    return list(m.StageEntry.objects.unscoped(_LOCK).filter(case=case).order_by("entered_on", "id"))


def _enter(actor: Any, case: VictimCase, stage: str, on: datetime.date) -> m.StageEntry | None:
    """Enter ``stage`` (None if it is current already); a sequential stage ends the current one."""
    entries = _entries(case)
    if any(e.stage == stage and e.left_on is None for e in entries):
        return None
    organisation = _organisation(actor, case.organisation)
    if stage in m.SEQUENTIAL:
        current = [e for e in entries if e.stage in m.SEQUENTIAL and e.left_on is None]
        if stage != m.Stage.IDENTIFICATION and not any(e.stage in m.SEQUENTIAL for e in entries):
            # Identification was current from registration until now.
            m.StageEntry.objects.create(
                organisation=case.organisation,
                case=case,
                stage=m.Stage.IDENTIFICATION,
                entered_on=min(case.registered_on, on),
                left_on=on,
                recorded_by=_user(actor),
            )
        for entry in current:
            if on < entry.entered_on:
                raise AssistanceError(_("The case entered its current stage after this date."))
            entry.left_on = on
            entry.save(update_fields=["left_on", "updated_at"])
    entry = m.StageEntry.objects.create(
        organisation=organisation, case=case, stage=stage, entered_on=on, recorded_by=_user(actor)
    )
    _audit("assistance.stage.entered", actor=actor, case=case, data={"stage": stage, "on": on.isoformat()})
    casework.timeline_add(actor=actor, case=case, kind="assistance.stage.entered", data={"stage": stage})
    return entry


def _auto_enter(actor: Any, case: VictimCase, stage: str, on: datetime.date | None) -> None:
    """The first measure of a stage the case never reached moves it there (never backwards)."""
    entries = _entries(case)
    if any(e.stage == stage for e in entries):
        return
    if stage in m.SEQUENTIAL:
        later = m.SEQUENTIAL[m.SEQUENTIAL.index(stage) + 1 :]
        if any(e.stage in later for e in entries):
            return
    today = timezone.localdate()
    day = min(on or today, today)
    current = [e.entered_on for e in entries if e.left_on is None and e.stage in m.SEQUENTIAL]
    if stage in m.SEQUENTIAL and current:
        day = max(day, *current)  # a measure dated earlier does not rewrite the path
    _enter(actor, case, stage, day)


def stage_enter(
    *, actor: Any, case: VictimCase, stage: str, entered_on: datetime.date
) -> m.StageEntry | None:
    """Move the case into ``stage`` of the pathway; None when it is there already."""
    if stage not in m.Stage.values:
        raise AssistanceError(_("Unknown stage."))
    if entered_on > timezone.localdate():
        raise AssistanceError(_("The date cannot be in the future."))
    with transaction.atomic():
        locked = _lock(case)
        return _enter(actor, locked, stage, entered_on)


def stage_leave(*, actor: Any, case: VictimCase, stage: str, left_on: datetime.date) -> m.StageEntry:
    """End the current ``stage`` (say, proceedings are over) without entering another."""
    with transaction.atomic():
        locked = _lock(case)
        entry = (
            m.StageEntry.objects.unscoped(_LOCK)
            .select_for_update()
            .filter(case=locked, stage=stage, left_on__isnull=True)
            .first()
        )
        if entry is None:
            raise AssistanceError(_("The case is not in this stage."))
        entry.left_on = left_on
        try:
            entry.full_clean(exclude=["organisation", "case", "recorded_by"], validate_unique=False)
        except ValidationError as exc:
            raise AssistanceError(" ".join(exc.messages)) from exc
        entry.save(update_fields=["left_on", "updated_at"])
        _audit(
            "assistance.stage.left",
            actor=actor,
            case=locked,
            data={"stage": stage, "on": left_on.isoformat()},
        )
        casework.timeline_add(actor=actor, case=locked, kind="assistance.stage.left", data={"stage": stage})
    return entry  # type: ignore[no-any-return]


# --- measures ---------------------------------------------------------------------------------------


def measure_record(
    *, actor: Any, case: VictimCase, kind: MeasureKind, values: Mapping[str, Any]
) -> m.AssistanceRecord:
    """Record a measure of ``kind`` on the case; the case enters the measure's stage if it never did.

    A reflection period without a duration takes the rule of the case's country (30 days,
    warning 7 days before the end, when the country has none). Raises ValidationError for
    values the model refuses.
    """
    unknown = set(values) - set(kind.fields)
    if unknown:
        raise AssistanceError(f"Unknown fields: {sorted(unknown)}")
    given = dict(values)
    if kind.model is m.ReflectionPeriod:
        duration, warning, basis = reflection_rule(case.organisation.country)
        if not given.get("duration_days"):
            given["duration_days"] = duration
        if given.get("warning_days") in (None, ""):
            given["warning_days"] = warning
        if not given.get("legal_basis"):
            given["legal_basis"] = basis
    with transaction.atomic():
        locked = _lock(case)
        record = kind.model(
            organisation=_organisation(actor, locked.organisation), case=locked, recorded_by=_user(actor)
        )
        for name, value in given.items():
            setattr(record, name, value)
        if isinstance(record, m.RiskAssessment) and not record.assessor_name:
            record.assessor = _user(actor)
        _validate(record)
        record.save()
        _auto_enter(actor, locked, kind.stage, record.main_date)
        event = (
            "assistance.reflection.started"
            if isinstance(record, m.ReflectionPeriod)
            else "assistance.measure.recorded"
        )
        data = {"kind": kind.slug, "measure": str(record.public_id), "fields": _given(values)}
        if isinstance(record, m.ReflectionPeriod):
            data.update(started_on=record.started_on.isoformat(), ends_on=record.ends_on.isoformat())
        _audit(event, actor=actor, case=locked, data=data)
        casework.timeline_add(actor=actor, case=locked, kind=event, data={"kind": kind.slug})
        _deadlines_of(actor, locked, record)
    return record


def measure_change(
    *, actor: Any, record: m.AssistanceRecord, kind: MeasureKind, values: Mapping[str, Any]
) -> list[str]:
    """Change a measure's fields; returns the names of those that changed (none: nothing written)."""
    unknown = set(values) - set(kind.fields)
    if unknown:
        raise AssistanceError(f"Unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        locked_case = _lock(record.case)
        locked = kind.model.objects.unscoped(_LOCK).select_for_update().get(pk=record.pk)
        changed = [name for name, value in values.items() if getattr(locked, name) != value]
        if not changed:
            return []
        for name in changed:
            setattr(locked, name, values[name])
        _validate(locked)
        locked.save()
        _audit(
            "assistance.measure.changed",
            actor=actor,
            case=locked_case,
            data={"kind": kind.slug, "measure": str(locked.public_id), "changed": sorted(changed)},
        )
        _deadlines_of(actor, locked_case, locked)
    for name in changed:
        setattr(record, name, getattr(locked, name))
    return changed


def reflection_end(
    *, actor: Any, period: m.ReflectionPeriod, ended_on: datetime.date, end_reason: str, end_note: str = ""
) -> m.ReflectionPeriod:
    """Record the end of a reflection period and why; its casework task is marked done."""
    with transaction.atomic():
        case = _lock(period.case)
        locked = m.ReflectionPeriod.objects.unscoped(_LOCK).select_for_update().get(pk=period.pk)
        if locked.ended_on is not None:
            raise AssistanceError(_("This reflection period has already ended."))
        locked.ended_on, locked.end_reason, locked.end_note = (
            ended_on,
            end_reason,
            (end_note or "").strip() or None,
        )
        _validate(locked)
        locked.save()
        _audit(
            "assistance.reflection.ended",
            actor=actor,
            case=case,
            data={
                "measure": str(locked.public_id),
                "ended_on": ended_on.isoformat(),
                "end_reason": end_reason,
            },
        )
        casework.timeline_add(
            actor=actor, case=case, kind="assistance.reflection.ended", data={"end_reason": end_reason}
        )
        casework.task_complete_for_source(
            actor=actor,
            case=case,
            kind=TaskKind.REFLECTION_PERIOD_END,
            source=f"assistance.reflectionperiod:{locked.public_id}",
        )
    period.ended_on, period.end_reason, period.end_note = locked.ended_on, locked.end_reason, locked.end_note
    return locked  # type: ignore[no-any-return]


def plan_review(
    *,
    actor: Any,
    plan: m.SupportPlan,
    reviewed_on: datetime.date,
    outcome: str = "",
    next_review_on: datetime.date | None = None,
) -> m.PlanReview:
    """Record a review of a support and safety plan; the plan's next review date moves with it."""
    with transaction.atomic():
        case = _lock(plan.case)
        locked = m.SupportPlan.objects.unscoped(_LOCK).select_for_update().get(pk=plan.pk)
        review = m.PlanReview(
            organisation=_organisation(actor, case.organisation),
            case=case,
            plan=locked,
            reviewed_on=reviewed_on,
            outcome=(outcome or "").strip() or None,
            next_review_on=next_review_on,
            recorded_by=_user(actor),
        )
        _validate(review)
        review.save()
        casework.task_complete_for_source(
            actor=actor,
            case=case,
            kind=TaskKind.PLAN_REVIEW,
            source=f"assistance.supportplan:{locked.public_id}",
        )
        locked.next_review_on = next_review_on
        locked.save(update_fields=["next_review_on", "updated_at"])
        _audit(
            "assistance.plan.reviewed",
            actor=actor,
            case=case,
            data={
                "plan": str(locked.public_id),
                "reviewed_on": reviewed_on.isoformat(),
                "next_review_on": next_review_on.isoformat() if next_review_on else "",
            },
        )
        casework.timeline_add(actor=actor, case=case, kind="assistance.plan.reviewed", data={})
        if next_review_on is not None:
            # A new source per review: the previous task is done, the next one is a new task.
            _deadline(
                actor,
                case,
                review,
                TaskKind.PLAN_REVIEW,
                next_review_on,
                _("Review the support and safety plan"),
            )
    plan.next_review_on = next_review_on
    return review


def reflection_rule_set(
    *, actor: Any, country: Country, duration_days: int, warning_days: int, legal_basis: str = ""
) -> m.ReflectionRule:
    """Set a country's reflection period rule; periods already started keep their duration."""
    if duration_days < 1 or warning_days < 0:
        raise AssistanceError(_("The duration must be at least one day."))
    with transaction.atomic():
        rule, _created = m.ReflectionRule.objects.select_for_update().get_or_create(country=country)
        previous = (rule.duration_days, rule.warning_days)
        rule.duration_days, rule.warning_days, rule.legal_basis = (
            duration_days,
            warning_days,
            legal_basis.strip(),
        )
        rule.save()
        log.record(
            "assistance.rule.changed",
            actor=actor,
            target=country,
            data={
                "country": country.code,
                "duration_days": duration_days,
                "warning_days": warning_days,
                "previous": list(previous),
                "legal_basis": rule.legal_basis,
            },
        )
    return rule  # type: ignore[no-any-return]


# --- audited reads --------------------------------------------------------------------------------


def pathway_view(*, actor: Any, case: VictimCase, purpose: str = "page") -> VictimCase:
    """Record that ``actor`` read the case's pathway and its measures (``purpose``: page, api)."""
    with transaction.atomic():
        _audit("assistance.pathway.viewed", actor=actor, case=case, data={"purpose": purpose})
    return case


def due_view(*, actor: Any, cases: list[VictimCase]) -> int:
    """Record that each case was shown on the due list; returns how many."""
    if not cases:
        return 0
    with transaction.atomic():
        return len(log.record_many("assistance.due.viewed", targets=cases, actor=actor))


def assistance_erase_for_case(*, actor: Any, case: VictimCase) -> int:
    """Blank every encrypted text of the case's measures (sent with casework's ``case_erasing``).

    Codes, dates and amounts stay as the anonymous facts of the pathway.
    """
    scope = "erasing the personal data of a case"
    count = 0
    for model in (
        m.CrisisNeed,
        m.RiskAssessment,
        m.SupportPlan,
        m.PlanReview,
        m.ReflectionPeriod,
        m.ResidencePermit,
        m.Service,
        m.ReturnPlan,
        m.ProceedingRole,
        m.ProtectionMeasure,
        m.CompensationClaim,
    ):
        if model.PERSONAL_FIELDS:
            count += (
                model.objects.unscoped(scope).filter(case=case).update(**dict.fromkeys(model.PERSONAL_FIELDS))
            )
    return count
