"""Reads of the assistance pathway, scoped like the case (``cases.queries.get_case_for_user``).

``due_items`` is the "due dates" read other modules may use (case work's due list reads its
own tasks, which ``actions`` creates from the same dates): reflection periods ending or
overdue, plan and risk reviews, reintegration reviews, each with its case and date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from pharos.assistance import models as m
from pharos.assistance.measures import KINDS, MeasureKind, kinds_of_stage
from pharos.cases.models import VictimCase

VIEW = "assistance.view"
MANAGE = "assistance.manage"


def measures_for(user: Any, case: VictimCase, kind: MeasureKind, capability: str = VIEW) -> QuerySet[Any]:
    found = kind.model.objects.visible_to(user, capability).filter(case=case)
    if kind.model in (m.Service, m.ReturnPlan):
        found = found.select_related("provider" if kind.model is m.Service else "reception_org")
    if kind.model is m.RiskAssessment:
        found = found.select_related("assessor")
    return found  # type: ignore[no-any-return]


def get_measure_for_user(
    user: Any, case: VictimCase, kind: MeasureKind, public_id: Any, capability: str = VIEW
) -> m.AssistanceRecord:
    """One measure of the case; Http404 when missing, of another case or not visible."""
    try:
        return measures_for(user, case, kind, capability).get(public_id=public_id)  # type: ignore[no-any-return]
    except (kind.model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such measure.") from exc


def plan_reviews_for(user: Any, case: VictimCase) -> QuerySet[m.PlanReview]:
    return m.PlanReview.objects.visible_to(user, VIEW).filter(case=case).order_by("reviewed_on", "id")  # type: ignore[no-any-return]


@dataclass
class StageView:
    stage: str
    label: str
    entered_on: datetime.date | None = None
    left_on: datetime.date | None = None
    current: bool = False
    reached: bool = False
    kinds: list[tuple[MeasureKind, list[Any]]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(items) for _kind, items in self.kinds)


def pathway(user: Any, case: VictimCase, *, with_measures: bool = True) -> list[StageView]:
    """The five stages with when the case entered and left each, which are current, and their measures.

    Without any recorded entry, identification is current since the registration date.
    """
    entries = list(m.StageEntry.objects.visible_to(user, VIEW).filter(case=case).order_by("entered_on", "id"))
    views = []
    for stage in m.Stage:
        mine = [e for e in entries if e.stage == stage]
        view = StageView(stage=stage.value, label=str(stage.label))
        if mine:
            view.entered_on = mine[0].entered_on
            view.left_on = None if any(e.left_on is None for e in mine) else mine[-1].left_on
            view.current = any(e.left_on is None for e in mine)
            view.reached = True
        if with_measures:
            view.kinds = [(kind, list(measures_for(user, case, kind))) for kind in kinds_of_stage(stage)]
        views.append(view)
    if not any(v.current for v in views if v.stage in m.SEQUENTIAL) and not any(
        v.reached for v in views if v.stage in m.SEQUENTIAL
    ):
        first = views[0]
        first.current, first.reached, first.entered_on = True, True, case.registered_on
    return views


def reflection_periods_for(user: Any, case: VictimCase) -> list[m.ReflectionPeriod]:
    return list(measures_for(user, case, KINDS["reflection-period"]))


def has_pre_return_assessment(user: Any, case: VictimCase) -> bool:
    return measures_for(user, case, KINDS["risk-assessment"]).filter(kind=m.RiskKind.PRE_RETURN).exists()  # type: ignore[no-any-return]


# --- due dates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueItem:
    """A date something must happen on a case: ``what`` is reflection_end, plan_review,
    risk_review or reintegration_review; ``state`` is due (in the warning window or the
    horizon) or overdue."""

    case: VictimCase
    what: str
    due_on: datetime.date
    state: str
    measure: Any

    @property
    def kind_slug(self) -> str:
        return {
            "reflection_end": "reflection-period",
            "plan_review": "support-plan",
            "risk_review": "risk-assessment",
            "reintegration_review": "return-plan",
        }[self.what]


def _state(today: datetime.date, due_on: datetime.date) -> str:
    return "overdue" if due_on < today else "due"


def due_items(user: Any, *, today: datetime.date, horizon_days: int = 14) -> list[DueItem]:
    """Everything due by ``today + horizon_days`` (or overdue) on cases the user may see, by date.

    A reflection period appears from its warning date (its rule's days before the end)
    whatever the horizon, and stays as overdue until its end is recorded.
    """
    until = today + datetime.timedelta(days=horizon_days)
    items: list[DueItem] = []
    periods = (
        m.ReflectionPeriod.objects.visible_to(user, VIEW)
        .filter(ended_on__isnull=True, case__state__in=("open", "closure_requested"))
        .select_related("case")
    )
    for period in periods:
        if today >= period.warn_from or period.ends_on <= until:
            items.append(
                DueItem(period.case, "reflection_end", period.ends_on, _state(today, period.ends_on), period)
            )
    for model, date_field, what in (
        (m.SupportPlan, "next_review_on", "plan_review"),
        (m.RiskAssessment, "next_review_on", "risk_review"),
        (m.ReturnPlan, "reintegration_review_on", "reintegration_review"),
    ):
        # Only the latest measure of each case counts: a newer plan or assessment replaces
        # the date of the one before it.
        found = (
            model.objects.visible_to(user, VIEW)
            .filter(case__state__in=("open", "closure_requested"))
            .select_related("case")
            .order_by("case_id", model.DATE_FIELD, "id")
        )
        latest: dict[int, Any] = {}
        for record in found:
            latest[record.case_id] = record
        for record in latest.values():
            due_on = getattr(record, date_field)
            if due_on is not None and due_on <= until:
                items.append(DueItem(record.case, what, due_on, _state(today, due_on), record))
    items.sort(key=lambda item: (item.due_on, item.case.reference))
    return items
