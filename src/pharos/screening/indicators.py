"""The ILO–EC operational indicators of trafficking (2009) and their combination rule.

The lists are reference data read from ``data/ilo_indicators_2009.json`` (texts and grades,
with their source); this module only applies the published rule, which no library
implements: a dimension is *positive* when the indicators found in it reach at least

- two strong; or one strong and one medium or weak; or three medium; or two medium and one weak

(WCMS_105023, "How to use the indicators"). An adult is screened as a possible victim when a
recruitment dimension (deceptive, coercive or by abuse of vulnerability), the exploitation
dimension and a destination dimension (coercion or abuse of vulnerability) are all positive.
For a child the means are not required (Palermo Protocol Art. 3(c)): the exploitation
dimension alone decides. The result is a screening aid, never a legal determination.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

DATA_FILE: Final = Path(__file__).parent / "data" / "ilo_indicators_2009.json"
STRONG: Final = "strong"
MEDIUM: Final = "medium"
WEAK: Final = "weak"
GRADES: Final = (STRONG, MEDIUM, WEAK)
RECRUITMENT: Final = "recruitment"
EXPLOITATION: Final = "exploitation"
DESTINATION: Final = "destination"


@dataclass(frozen=True)
class Indicator:
    id: str
    text: str
    grade: str


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    element: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class IndicatorList:
    key: str
    label: str
    age: str
    available: bool
    verification: str
    dimensions: tuple[Dimension, ...]

    @functools.cached_property
    def by_id(self) -> dict[str, tuple[Dimension, Indicator]]:
        return {i.id: (d, i) for d in self.dimensions for i in d.indicators}


@dataclass(frozen=True)
class DimensionResult:
    dimension: Dimension
    found: tuple[Indicator, ...]
    strong: int
    medium: int
    weak: int
    positive: bool


@dataclass(frozen=True)
class Result:
    """What the rule says for one set of indicators found."""

    indicator_list: IndicatorList
    dimensions: tuple[DimensionResult, ...]
    overall: bool

    @property
    def positive_dimensions(self) -> list[str]:
        return [r.dimension.key for r in self.dimensions if r.positive]


def dimension_positive(strong: int, medium: int, weak: int) -> bool:
    """The published rule for one dimension, from the counts of indicators found by grade."""
    return strong >= 2 or (strong >= 1 and medium + weak >= 1) or medium >= 3 or (medium >= 2 and weak >= 1)


def overall_positive(age: str, positive: Iterable[tuple[str, bool]]) -> bool:
    """Combine the dimensions: ``positive`` pairs each dimension's element with its result."""
    by_element: dict[str, bool] = {RECRUITMENT: False, EXPLOITATION: False, DESTINATION: False}
    for element, is_positive in positive:
        by_element[element] = by_element[element] or is_positive
    if age == "child":
        return by_element[EXPLOITATION]
    return all(by_element.values())


@functools.cache
def _raw() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@functools.cache
def lists() -> dict[str, IndicatorList]:
    """Every list of the publication, in its order, those not found included (``available``)."""
    raw = _raw()
    meta = {d["key"]: d for d in raw["dimensions"]}
    found: dict[str, IndicatorList] = {}
    for key, entry in raw["lists"].items():
        dims = tuple(
            Dimension(
                key=d["key"],
                label=meta[d["key"]]["label"],
                element=meta[d["key"]]["element"],
                indicators=tuple(Indicator(i["id"], i["text"], i["grade"]) for i in d["indicators"]),
            )
            for d in entry["dimensions"]
        )
        found[key] = IndicatorList(
            key=key,
            label=entry["label"],
            age=entry["age"],
            available=entry["available"],
            verification=entry["verification"],
            dimensions=dims,
        )
    return found


def source() -> dict[str, Any]:
    """Title, publisher, identifier, source addresses and the transcription note."""
    raw = _raw()
    return {k: raw[k] for k in ("title", "publisher", "edition", "identifier", "sources", "note")}


def get_list(key: str) -> IndicatorList:
    """A list that can be used; LookupError for an unknown key or a list not available."""
    found = lists().get(key)
    if found is None or not found.available:
        raise LookupError(f"No indicator list {key!r} is available.")
    return found


def evaluate(key: str, present: Iterable[str]) -> Result:
    """Apply the rule to the indicators ``present`` (ids of the list); unknown ids are an error."""
    indicator_list = get_list(key)
    wanted = set(present)
    unknown = wanted - set(indicator_list.by_id)
    if unknown:
        raise ValueError(f"Not indicators of {key}: {sorted(unknown)}")
    results = []
    for dim in indicator_list.dimensions:
        found = tuple(i for i in dim.indicators if i.id in wanted)
        counts = {g: sum(1 for i in found if i.grade == g) for g in GRADES}
        results.append(
            DimensionResult(
                dimension=dim,
                found=found,
                strong=counts[STRONG],
                medium=counts[MEDIUM],
                weak=counts[WEAK],
                positive=dimension_positive(counts[STRONG], counts[MEDIUM], counts[WEAK]),
            )
        )
    overall = overall_positive(indicator_list.age, ((r.dimension.element, r.positive) for r in results))
    return Result(indicator_list=indicator_list, dimensions=tuple(results), overall=overall)
