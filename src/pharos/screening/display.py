"""How a screening's result is shown: each dimension with the indicators found, in the user's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from pharos.screening import indicators
from pharos.screening.models import Screening


@dataclass(frozen=True)
class DimensionRow:
    key: str
    label: str
    found: list[str]
    strong: int
    medium: int
    weak: int
    positive: bool


def rows(result: indicators.Result) -> list[DimensionRow]:
    return [
        DimensionRow(
            key=r.dimension.key,
            label=gettext(r.dimension.label),
            found=[gettext(i.text) for i in r.found],
            strong=r.strong,
            medium=r.medium,
            weak=r.weak,
            positive=r.positive,
        )
        for r in result.dimensions
    ]


def result_of(screening: Screening) -> indicators.Result | None:
    """The rule applied again to what was found; None once erased or if the list is gone."""
    if screening.present is None:
        return None
    try:
        return indicators.evaluate(screening.indicator_list, screening.found)
    except (LookupError, ValueError):
        return None


def as_dict(screening: Screening, *, full: bool) -> dict[str, Any]:
    """The API's view of a screening; ``full`` adds the alias, notes and indicators found."""
    data: dict[str, Any] = {
        "public_id": screening.public_id,
        "case": screening.case.public_id if screening.case_id and screening.case else None,
        "indicator_list": screening.indicator_list,
        "screened_on": screening.screened_on,
        "overall": screening.overall,
        "positive_dimensions": list(screening.positive_dimensions or []),
        "rule": screening.rule,
        "created_at": screening.created_at,
    }
    if full:
        result = result_of(screening)
        data.update(
            alias=screening.alias,
            notes=screening.notes,
            present=screening.found,
            dimensions=[
                {
                    "key": r.dimension.key,
                    "strong": r.strong,
                    "medium": r.medium,
                    "weak": r.weak,
                    "positive": r.positive,
                    "found": [i.id for i in r.found],
                }
                for r in (result.dimensions if result else ())
            ],
        )
    return data
