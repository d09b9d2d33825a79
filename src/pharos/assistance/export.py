"""The assistance measures held about a person, for the export of everything held about them."""

from __future__ import annotations

from typing import Any

from pharos.assistance import models as m
from pharos.assistance.measures import KINDS

_SKIP = {"id", "organisation", "case", "recorded_by", "plan"}


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(getattr(value, "name", value))


def measures_of(person: Any, cases: list[Any]) -> list[dict[str, Any]]:
    """One dict per measure (stage entries and plan reviews included) on the person's cases."""
    out: list[dict[str, Any]] = []
    scope = "export of everything held about a person (authorised by casework)"
    models: list[tuple[str, type[m.AssistanceRecord]]] = [
        ("stage", m.StageEntry),
        *((slug, kind.model) for slug, kind in KINDS.items()),
        ("plan-review", m.PlanReview),
    ]
    for slug, model in models:
        for record in model.objects.unscoped(scope).filter(case__in=cases).select_related("case"):
            item: dict[str, Any] = {"kind": slug, "case": record.case.reference}
            for field in model._meta.concrete_fields:
                if field.name not in _SKIP:
                    item[field.name] = _plain(getattr(record, field.name))
            out.append(item)
    return out
