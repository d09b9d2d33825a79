"""The standard statistical tables: one structure every consumer reads (dashboards, releases, CLI).

A ``StandardTable`` is a cross-tabulation of **persons** (never of case records): each
registered victim or suspect is counted once per cell, whatever the number of records that
describe them (see ``pharos.statistics.units``). It holds:

- ``dimensions``: the breakdown variables in order (``country``, ``year``, ``sex``…), each
  with the labels of its codes;
- ``cells``: one ``Cell`` per combination of codes present in the data (absent combinations
  are zero), with ``count`` and, for some tables, further ``values`` (``share``,
  ``denominator``, ``population``, ``rate_per_100000``);
- ``margins``: the same for every combination where one or more dimensions are summed out;
  the summed-out dimensions carry the code ``TOTAL`` (``"_T"``, as in SDMX). Margins are
  counted from the records, not added up from the cells, so for a multi-select dimension
  (below) the margin is the number of persons, not the sum of the cells.

**Multi-select dimensions and CTDC's denominator rule.** Forms of exploitation, citizenship
and the type of identifying organisation can hold several values for one person. Such a
person is counted once in each value they have, so the cells of that dimension can add up
to more than the margin. CTDC's codebook (Global Synthetic Dataset v2024, §6) says shares
of a multi-select group are computed over the persons who give *any* information on that
group: in a multi-select table each cell carries ``denominator`` = the number of persons
in the same combination of the other dimensions who have at least one known value of the
multi-select dimension, and ``share = count / denominator``. Persons with no known value
are counted in the ``UNK`` cell and left out of every denominator; shares can therefore
sum to more than 1.

``build_standard_tables(scope)`` computes the whole set (``pharos.statistics.compute``)
for a ``StatsScope`` (``pharos.statistics.queries``); ``suppress_table`` in
``pharos.statistics.disclosure`` applies threshold and secondary suppression.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from pharos.statistics.queries import StatsScope

TOTAL: Final = "_T"
UNKNOWN: Final = "UNK"


@dataclass(frozen=True)
class Dimension:
    """A breakdown variable: its name (column), a title, and the label of each code."""

    name: str
    title: str
    labels: dict[str, str] = field(default_factory=dict)
    multi_select: bool = False

    def label(self, code: str) -> str:
        return self.labels.get(code, code)


@dataclass(frozen=True)
class Cell:
    """One combination of codes (aligned with the table's dimensions) and its counts.

    ``count`` is None when disclosure control suppressed it (``suppressed`` then says so).
    """

    key: tuple[str, ...]
    count: int | None
    values: dict[str, float | int | None] = field(default_factory=dict)
    suppressed: bool = False

    @property
    def is_margin(self) -> bool:
        return TOTAL in self.key


@dataclass
class StandardTable:
    """A table of person counts with its margins; see the module docstring."""

    name: str
    title: str
    dimensions: list[Dimension]
    cells: list[Cell] = field(default_factory=list)
    margins: list[Cell] = field(default_factory=list)
    unit: str = "persons"
    measures: tuple[str, ...] = ()
    standard: str = ""
    notes: list[str] = field(default_factory=list)
    available: bool = True
    disclosure: str = ""

    @property
    def dimension_names(self) -> list[str]:
        return [d.name for d in self.dimensions]

    @property
    def multi_select(self) -> Dimension | None:
        return next((d for d in self.dimensions if d.multi_select), None)

    def dimension(self, name: str) -> Dimension:
        return next(d for d in self.dimensions if d.name == name)

    def entries(self) -> Iterator[Cell]:
        """Cells then margins."""
        yield from self.cells
        yield from self.margins

    def total(self) -> int | None:
        """The grand total (every dimension summed out), None if suppressed or empty."""
        grand = tuple(TOTAL for _ in self.dimensions)
        for cell in self.margins:
            if cell.key == grand:
                return cell.count
        return 0 if not self.cells else None

    def lookup(self, **codes: str) -> Cell | None:
        """The cell or margin with these codes; unnamed dimensions are ``TOTAL``."""
        key = tuple(codes.get(d.name, TOTAL) for d in self.dimensions)
        return next((c for c in self.entries() if c.key == key), None)

    def filtered(self, **codes: str) -> StandardTable:
        """A copy keeping entries whose codes match (a filter on a dimension keeps its code only)."""
        index = {d.name: i for i, d in enumerate(self.dimensions)}
        wanted = {index[name]: code for name, code in codes.items() if name in index and code}

        def keep(cell: Cell) -> bool:
            return all(cell.key[i] == code for i, code in wanted.items())

        return replace(
            self,
            cells=[c for c in self.cells if keep(c)],
            margins=[c for c in self.margins if keep(c)],
        )

    # --- serialisation -------------------------------------------------------------------------

    def header(self) -> list[str]:
        return [*self.dimension_names, "count", *self.measures, "suppressed"]

    def rows(self, *, with_margins: bool = True) -> Iterator[list[Any]]:
        entries = self.entries() if with_margins else iter(self.cells)
        for cell in entries:
            yield [
                *cell.key,
                "" if cell.count is None else cell.count,
                *("" if cell.values.get(m) is None else cell.values[m] for m in self.measures),
                "1" if cell.suppressed else "",
            ]

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.header())
        writer.writerows(self.rows())
        return buffer.getvalue()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "unit": self.unit,
            "standard": self.standard,
            "available": self.available,
            "disclosure": self.disclosure,
            "notes": list(self.notes),
            "dimensions": [
                {"name": d.name, "title": d.title, "multi_select": d.multi_select, "labels": d.labels}
                for d in self.dimensions
            ],
            "measures": list(self.measures),
            "cells": [_cell_dict(self, c) for c in self.cells],
            "margins": [_cell_dict(self, c) for c in self.margins],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1, sort_keys=False)


def _cell_dict(table: StandardTable, cell: Cell) -> dict[str, Any]:
    out: dict[str, Any] = dict(zip(table.dimension_names, cell.key, strict=True))
    out["count"] = cell.count
    for measure in table.measures:
        out[measure] = cell.values.get(measure)
    if cell.suppressed:
        out["suppressed"] = True
    return out


def build_standard_tables(scope: StatsScope) -> list[StandardTable]:
    """The full set of standard tables for the records the scope covers (see ``compute``)."""
    from pharos.statistics import compute

    return compute.standard_tables(scope)
