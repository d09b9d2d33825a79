"""Disclosure control of count tables: threshold suppression with secondary suppression, and
random unbiased rounding. Pure functions; the releases and the dashboards both use them.

Secondary suppression is driven by an audit, not by a rule of thumb: after primary suppression
(cells and margins with 0 < count < threshold) every suppressed value is bounded by linear
programming over what stays published (the cells, every marginal total, non-negativity), the
interval an attacker can compute. While a suppressed value's interval is narrower than the
protection width, the smallest published non-zero value that shares a total with it is
suppressed too. This is the idea of tau-ARGUS / Statistics Norway's GaussSuppression, kept
small here because no Python library does it (sdcMicro and GaussSuppression are R) and our
tables have at most a few hundred cells.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from scipy.optimize import linprog

DEFAULT_THRESHOLD = 10
Key = tuple[str, ...]
# A margin is identified by the dimension indexes it keeps: () is the grand total.
MarginKey = tuple[int, ...]


class TableLike(Protocol):
    """What ``suppress_table`` reads: the statistics module's StandardTable has these."""

    key: str
    title: Any
    dimensions: Sequence[str]
    cells: Mapping[Key, int]


@dataclass
class CountTable:
    """A full cross-classification of counts: one count per combination of dimension values."""

    key: str
    title: Any
    dimensions: tuple[str, ...]
    cells: dict[Key, int]
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Multi-select dimensions (a person in several values): never summed out, so no total over them.
    multi: tuple[int, ...] = ()

    def values(self, index: int) -> list[str]:
        return sorted({k[index] for k in self.cells})

    def complete(self) -> CountTable:
        """The same table with every combination of the observed values present (zeros added)."""
        axes = [self.values(i) for i in range(len(self.dimensions))]
        cells = {k: int(self.cells.get(k, 0)) for k in itertools.product(*axes)}
        return CountTable(self.key, self.title, self.dimensions, cells, self.labels, self.multi)


@dataclass
class ProtectedTable:
    """A published table: ``None`` marks a suppressed value; ``margins`` maps kept dimensions to totals."""

    key: str
    title: Any
    dimensions: tuple[str, ...]
    cells: dict[Key, int | None]
    margins: dict[MarginKey, dict[Key, int | None]]
    method: str
    parameters: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def suppressed(self) -> int:
        inner = sum(v is None for v in self.cells.values())
        return inner + sum(v is None for m in self.margins.values() for v in m.values())

    def rows(self) -> list[list[Any]]:
        """Long format: the dimension values then the count; totals carry ``_T`` (SDMX's total code)."""
        out: list[list[Any]] = [[*k, v] for k, v in sorted(self.cells.items())]
        n = len(self.dimensions)
        for kept, totals in sorted(self.margins.items()):
            for mkey, value in sorted(totals.items()):
                full = ["_T"] * n
                for i, v in zip(kept, mkey, strict=True):
                    full[i] = v
                out.append([*full, value])
        return out


def as_count_table(table: TableLike | CountTable) -> CountTable:
    """Adapt a StandardTable (or anything with key, title, dimensions, cells) to a CountTable."""
    if isinstance(table, CountTable):
        return table
    return CountTable(
        key=str(table.key),
        title=table.title,
        dimensions=tuple(table.dimensions),
        cells={tuple(str(p) for p in k): int(v) for k, v in table.cells.items()},
        labels=dict(getattr(table, "labels", {}) or {}),
    )


def margin_keys(dimensions: int, multi: tuple[int, ...] = ()) -> list[MarginKey]:
    """Every proper subset of the dimensions that keeps the multi-select ones: the totals beside the cells."""
    return [
        c
        for r in range(dimensions)
        for c in itertools.combinations(range(dimensions), r)
        if set(multi) <= set(c)
    ]


def margins_of(table: CountTable) -> dict[MarginKey, dict[Key, int]]:
    out: dict[MarginKey, dict[Key, int]] = {m: {} for m in margin_keys(len(table.dimensions), table.multi)}
    for key, value in table.cells.items():
        for kept, totals in out.items():
            mkey = tuple(key[i] for i in kept)
            totals[mkey] = totals.get(mkey, 0) + value
    return out


# --- the attacker's view: interval bounds by linear programming --------------------------------


@dataclass(frozen=True)
class Item:
    """One published or suppressed value: an interior cell (kept = all dims) or a total."""

    kept: MarginKey
    key: Key


class _System:
    """The linear system an attacker sees: interior cells as variables, published values as equations."""

    def __init__(self, table: CountTable) -> None:
        self.table = table
        self.index = {k: i for i, k in enumerate(sorted(table.cells))}
        self.all_dims: MarginKey = tuple(range(len(table.dimensions)))
        self.members: dict[Item, list[int]] = {}
        for key, i in self.index.items():
            self.members[Item(self.all_dims, key)] = [i]
        for kept in margin_keys(len(table.dimensions), table.multi):
            for key, i in self.index.items():
                item = Item(kept, tuple(key[d] for d in kept))
                self.members.setdefault(item, []).append(i)

    def row(self, item: Item) -> np.ndarray:
        vector = np.zeros(len(self.index))
        vector[self.members[item]] = 1.0
        return vector

    def bounds(
        self, published: Mapping[Item, int], target: Item
    ) -> tuple[float, float]:  # pragma: no branch - two LPs
        """The smallest and largest value ``target`` can take given ``published`` (inf if unbounded)."""
        items = list(published)
        a_eq = np.array([self.row(i) for i in items]) if items else None
        b_eq = np.array([float(published[i]) for i in items]) if items else None
        objective = self.row(target)
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        lower = float(low.fun) if low.status == 0 else 0.0
        upper = float(-high.fun) if high.status == 0 else float("inf")
        return lower, upper


def attack(protected: ProtectedTable, table: CountTable) -> dict[Item, tuple[float, float]]:
    """The interval of every suppressed value, computed from what ``protected`` publishes."""
    table = table.complete()
    system = _System(table)
    published, hidden = _split(protected, system)
    return {item: system.bounds(published, item) for item in hidden}


def _split(protected: ProtectedTable, system: _System) -> tuple[dict[Item, int], list[Item]]:
    published: dict[Item, int] = {}
    hidden: list[Item] = []
    for key, value in protected.cells.items():
        item = Item(system.all_dims, key)
        if value is None:
            hidden.append(item)
        else:
            published[item] = value
    for kept, totals in protected.margins.items():
        for mkey, value in totals.items():
            item = Item(kept, mkey)
            if value is None:
                hidden.append(item)
            else:
                published[item] = value
    return published, hidden


# --- suppression --------------------------------------------------------------------------------


def suppress_table(
    table: TableLike | CountTable,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    protection: int | None = None,
) -> ProtectedTable:
    """Hide every cell and total with 0 < count < ``threshold``, then as many more as needed so that
    no hidden value can be narrowed to an interval shorter than ``protection`` (default: half the
    threshold, at least 1) from the published cells and totals."""
    if threshold < 1:
        raise ValueError("The suppression threshold must be at least 1.")
    width = protection if protection is not None else max(1, threshold // 2)
    full = as_count_table(table).complete()
    system = _System(full)
    values: dict[Item, int] = {
        item: sum(full.cells[k] for k in _keys(system, item)) for item in system.members
    }
    hidden = {item for item, v in values.items() if 0 < v < threshold}
    while hidden:
        published = {i: v for i, v in values.items() if i not in hidden}
        exposed = None
        for item in sorted(hidden, key=lambda i: (values[i], i.kept, i.key)):
            lower, upper = system.bounds(published, item)
            if upper - lower < width:
                exposed = item
                break
        if exposed is None:
            break
        partner = _partner(system, values, hidden, exposed)
        if partner is None:  # everything it is related to is hidden already: nothing more to do
            break
        hidden.add(partner)
    cells: dict[Key, int | None] = {}
    margins: dict[MarginKey, dict[Key, int | None]] = {
        m: {} for m in margin_keys(len(full.dimensions), full.multi)
    }
    for item, value in values.items():
        shown = None if item in hidden else value
        if item.kept == system.all_dims:
            cells[item.key] = shown
        else:
            margins[item.kept][item.key] = shown
    return ProtectedTable(
        key=full.key,
        title=full.title,
        dimensions=full.dimensions,
        cells=cells,
        margins=margins,
        method="suppression",
        parameters={"threshold": threshold, "protection": width},
        labels=full.labels,
    )


def _keys(system: _System, item: Item) -> list[Key]:
    reverse = {i: k for k, i in system.index.items()}
    return [reverse[i] for i in system.members[item]]


def _partner(system: _System, values: Mapping[Item, int], hidden: set[Item], exposed: Item) -> Item | None:
    """The published value to hide next: the smallest non-zero one inside the smallest total over ``exposed``.

    Totals are searched from the narrowest (a row) to the widest (the grand total); inside one,
    interior cells come before totals (a hidden total costs readers more) and values that
    contain ``exposed`` are skipped (hiding them adds no freedom to it).
    """
    cells = set(system.members[exposed])
    totals = sorted(
        (t for t, m in system.members.items() if t != exposed and cells <= set(m)),
        key=lambda t: len(system.members[t]),
    )
    for total in totals:
        inside = set(system.members[total])
        candidates = [
            (0 if item.kept == system.all_dims else 1, values[item], item.kept, item.key, item)
            for item, members in system.members.items()
            if item not in hidden
            and values[item] > 0
            and set(members) <= inside
            and not cells <= set(members)
        ]
        if candidates:
            return min(candidates)[-1]
    return None


# --- rounding -----------------------------------------------------------------------------------


def random_round(value: int, base: int, rng: random.Random) -> int:
    """Round to a multiple of ``base``, up with probability remainder/base: the expected value is ``value``."""
    if base < 2:
        return value
    remainder = value % base
    down = value - remainder
    if remainder == 0:
        return value
    return down + base if rng.random() < remainder / base else down


def round_table(protected: ProtectedTable, base: int, rng: random.Random) -> ProtectedTable:
    """Random unbiased rounding of every published value (totals rounded on their own, as ONS does)."""
    cells = {k: (None if v is None else random_round(v, base, rng)) for k, v in protected.cells.items()}
    margins = {
        kept: {k: (None if v is None else random_round(v, base, rng)) for k, v in totals.items()}
        for kept, totals in protected.margins.items()
    }
    return ProtectedTable(
        key=protected.key,
        title=protected.title,
        dimensions=protected.dimensions,
        cells=cells,
        margins=margins,
        method=protected.method,
        parameters={**protected.parameters, "rounding_base": base},
        labels=protected.labels,
    )


# --- the statistics module's StandardTable ---------------------------------------------------------


def protect_standard_table(table: Any, threshold: int = DEFAULT_THRESHOLD) -> Any:
    """A copy of a ``pharos.statistics.tables.StandardTable`` with the audited suppression applied.

    Cells and the margins that are true sums (totals over ordinary dimensions) go through
    ``suppress_table``. Margins that sum out a multi-select dimension are counts of persons,
    not sums, so no equation links them to the cells: they get primary suppression only.
    Shares and rates of a hidden count are hidden with it.
    """
    from dataclasses import replace

    total = "_T"
    names = list(table.dimension_names)
    multi = table.multi_select
    multi_index = (names.index(multi.name),) if multi is not None else ()
    count_table = CountTable(
        key=table.name,
        title=table.title,
        dimensions=tuple(names),
        cells={tuple(c.key): int(c.count or 0) for c in table.cells},
        multi=multi_index,
    )
    protected = suppress_table(count_table, threshold)
    hidden: set[tuple[str, ...]] = {k for k, v in protected.cells.items() if v is None}
    for kept, totals in protected.margins.items():
        for mkey, value in totals.items():
            if value is None:
                full = [total] * len(names)
                for i, v in zip(kept, mkey, strict=True):
                    full[i] = v
                hidden.add(tuple(full))
    for cell in table.margins:
        summed_out_multi = any(cell.key[i] == total for i in multi_index)
        if summed_out_multi and 0 < (cell.count or 0) < threshold:
            hidden.add(tuple(cell.key))

    def treat(cell: Any) -> Any:
        if tuple(cell.key) not in hidden:
            return cell
        return replace(cell, count=None, values=dict.fromkeys(cell.values), suppressed=True)

    return replace(
        table,
        cells=[treat(c) for c in table.cells],
        margins=[treat(c) for c in table.margins],
        disclosure=f"threshold {threshold} with secondary suppression audited by linear programming",
    )
