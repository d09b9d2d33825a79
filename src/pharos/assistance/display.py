"""What the pathway pages show: stage rows, measure tables with their columns, warnings, due rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pharos.assistance import models as m
from pharos.assistance.queries import DueItem, StageView

STATE_LABELS = {
    "running": gettext_lazy("running"),
    "ending": gettext_lazy("ending soon"),
    "overdue": gettext_lazy("past its end, no end recorded"),
    "ended": gettext_lazy("ended"),
}


def _value(record: models.Model, name: str) -> Any:
    field = record._meta.get_field(name)
    value = getattr(record, name)
    if value in (None, ""):
        return "—"
    if getattr(field, "choices", None):
        return getattr(record, f"get_{name}_display")()
    if isinstance(field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(field, models.ForeignKey):
        return getattr(value, "name", None) or getattr(value, "email", "") or str(value)
    return value


@dataclass
class MeasureTable:
    slug: str
    label: str
    add_label: str
    headers: list[str]
    rows: list[tuple[Any, list[Any]]]


def _table(kind: Any, items: list[Any]) -> MeasureTable:
    headers = [str(kind.model._meta.get_field(c).verbose_name) for c in kind.columns]
    rows = []
    for item in items:
        cells = [_value(item, c) for c in kind.columns]
        if isinstance(item, m.Service) and item.provider_id is None:
            cells[kind.columns.index("provider")] = item.provider_name or "—"
        if (
            isinstance(item, m.ReturnPlan)
            and item.reception_org_id is None
            and "reception_org" in kind.columns
        ):
            cells[kind.columns.index("reception_org")] = item.reception_name or "—"
        if isinstance(item, m.RiskAssessment) and item.assessor_id is None:
            cells[kind.columns.index("assessor")] = item.assessor_name or "—"
        rows.append((item, cells))
    return MeasureTable(kind.slug, str(kind.label), str(kind.add_label), headers, rows)


@dataclass
class StageRow:
    stage: str
    label: str
    entered_on: datetime.date | None
    left_on: datetime.date | None
    current: bool
    reached: bool
    count: int
    tables: list[MeasureTable]


def stage_rows(stages: list[StageView], today: datetime.date) -> list[StageRow]:
    return [
        StageRow(
            stage=s.stage,
            label=s.label,
            entered_on=s.entered_on,
            left_on=s.left_on,
            current=s.current,
            reached=s.reached,
            count=s.count,
            tables=[_table(kind, items) for kind, items in s.kinds],
        )
        for s in stages
    ]


@dataclass
class ReflectionRow:
    period: m.ReflectionPeriod
    state: str
    state_label: str
    warn_from: datetime.date
    days_left: int


def reflection_rows(periods: list[m.ReflectionPeriod], today: datetime.date) -> list[ReflectionRow]:
    rows = []
    for period in periods:
        state = period.state_on(today)
        rows.append(
            ReflectionRow(
                period=period,
                state=state,
                state_label=str(STATE_LABELS[state]),
                warn_from=period.warn_from,
                days_left=(period.ends_on - today).days,
            )
        )
    return rows


WHAT_LABELS = {
    "reflection_end": gettext_lazy("Recovery and reflection period ends"),
    "plan_review": gettext_lazy("Support and safety plan to review"),
    "risk_review": gettext_lazy("Risk assessment to review"),
    "reintegration_review": gettext_lazy("Reintegration plan to review"),
}


def due_rows(items: list[DueItem]) -> list[dict[str, Any]]:
    return [
        {
            "case": item.case,
            "what": str(WHAT_LABELS[item.what]),
            "due_on": item.due_on,
            "overdue": item.state == "overdue",
        }
        for item in items
    ]
