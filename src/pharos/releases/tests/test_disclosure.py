"""Suppression cannot be undone from the published totals; rounding is unbiased."""

from __future__ import annotations

import random
import statistics

import numpy as np
import pytest
from scipy.optimize import linprog

from pharos.releases import disclosure
from pharos.releases.disclosure import CountTable, suppress_table


def _random_table(seed: int, rows: int = 6, cols: int = 5) -> CountTable:
    rng = random.Random(seed)
    values = [0, 1, 2, 3, 4, 6, 9, 12, 25, 40, 80]
    cells = {(f"r{r}", f"c{c}"): rng.choice(values) for r in range(rows) for c in range(cols)}
    return CountTable("t", "T", ("row", "col"), cells)


def rebuild(protected: disclosure.ProtectedTable, table: CountTable) -> dict[tuple, tuple[float, float]]:
    """An attacker's try, written independently of the module: for every hidden cell and total,
    solve min and max over non-negative cells that agree with every published cell and total."""
    keys = sorted(table.complete().cells)
    index = {k: i for i, k in enumerate(keys)}
    equations, values, targets = [], [], []
    for key, value in protected.cells.items():
        vector = np.zeros(len(keys))
        vector[index[key]] = 1
        (targets if value is None else equations).append(vector)
        if value is not None:
            values.append(value)
    for kept, totals in protected.margins.items():
        for mkey, value in totals.items():
            vector = np.array([1.0 if tuple(k[d] for d in kept) == mkey else 0.0 for k in keys])
            (targets if value is None else equations).append(vector)
            if value is not None:
                values.append(value)
    out = {}
    for n, target in enumerate(targets):
        low = linprog(
            target, A_eq=np.array(equations), b_eq=np.array(values), bounds=(0, None), method="highs"
        )
        high = linprog(
            -target, A_eq=np.array(equations), b_eq=np.array(values), bounds=(0, None), method="highs"
        )
        out[n] = (low.fun, -high.fun if high.status == 0 else float("inf"))
    return out


@pytest.mark.parametrize("seed", range(8))
def test_no_suppressed_cell_can_be_rebuilt_from_the_published_margins(seed: int) -> None:
    table = _random_table(seed)
    protected = suppress_table(table, 10)
    assert protected.suppressed > 0
    for low, high in rebuild(protected, table).values():
        assert high - low >= 5, "a hidden value is pinned to a narrow interval"


def test_every_small_count_is_hidden_and_totals_are_published_where_safe() -> None:
    table = _random_table(3)
    protected = suppress_table(table, 10)
    for key, value in table.cells.items():
        if 0 < value < 10:
            assert protected.cells[key] is None
    assert protected.margins[()][()] == sum(table.cells.values())


def test_one_subtraction_along_a_row_would_have_rebuilt_a_cell_without_secondary_suppression() -> None:
    table = CountTable("t", "T", ("a", "b"), {("x", "p"): 3, ("x", "q"): 50, ("y", "p"): 40, ("y", "q"): 60})
    protected = suppress_table(table, 10)
    assert protected.cells[("x", "p")] is None
    assert (
        sum(v is None for v in protected.cells.values()) >= 2
    )  # a lone hidden cell is rebuilt by x-total - 50
    for low, high in rebuild(protected, table).values():
        assert high - low >= 5


def test_three_dimensional_table_with_all_margins() -> None:
    rng = random.Random(7)
    cells = {(a, b, c): rng.choice([0, 2, 5, 15, 30]) for a in "xyz" for b in "pq" for c in "uvw"}
    table = CountTable("t", "T", ("a", "b", "c"), cells)
    protected = suppress_table(table, 10)
    for low, high in rebuild(protected, table).values():
        assert high - low >= 5


def test_multi_select_dimension_is_never_summed_out() -> None:
    table = CountTable(
        "t", "T", ("form", "sex"), {("A", "F"): 4, ("A", "M"): 30, ("B", "F"): 20, ("B", "M"): 25}, multi=(0,)
    )
    protected = suppress_table(table, 10)
    assert set(protected.margins) == {(0,)}  # per-form totals only: a person can have two forms
    assert protected.cells[("A", "F")] is None


def test_random_rounding_is_unbiased_and_lands_on_the_base() -> None:
    rng = random.Random(1)
    for value in (1, 2, 7, 13):
        draws = [disclosure.random_round(value, 5, rng) for _ in range(20000)]
        assert all(d % 5 == 0 for d in draws)
        assert statistics.mean(draws) == pytest.approx(value, abs=0.15)
    assert disclosure.random_round(10, 5, rng) == 10


def test_round_table_keeps_suppressed_cells_hidden() -> None:
    protected = suppress_table(_random_table(2), 10)
    rounded = disclosure.round_table(protected, 3, random.Random(0))
    for key, value in protected.cells.items():
        assert (rounded.cells[key] is None) == (value is None)
        if value is not None:
            assert rounded.cells[key] % 3 == 0


def test_standard_tables_of_the_statistics_module_are_protected_too() -> None:
    from pharos.statistics.tables import Cell, Dimension, StandardTable

    source = _random_table(5, rows=4, cols=3)
    cells = [Cell(key=k, count=v) for k, v in source.cells.items()]
    margins = [
        Cell(key=(r, "_T"), count=sum(v for k, v in source.cells.items() if k[0] == r))
        for r in {k[0] for k in source.cells}
    ]
    margins += [
        Cell(key=("_T", c), count=sum(v for k, v in source.cells.items() if k[1] == c))
        for c in {k[1] for k in source.cells}
    ]
    margins.append(Cell(key=("_T", "_T"), count=sum(source.cells.values())))
    table = StandardTable(
        name="t",
        title="T",
        dimensions=[Dimension("row", "Row"), Dimension("col", "Col")],
        cells=cells,
        margins=margins,
    )
    protected = disclosure.protect_standard_table(table, 10)
    published = disclosure.ProtectedTable(
        key="t",
        title="T",
        dimensions=("row", "col"),
        cells={c.key: c.count for c in protected.cells},
        margins={
            (0,): {(c.key[0],): c.count for c in protected.margins if c.key[1] == "_T" and c.key[0] != "_T"},
            (1,): {(c.key[1],): c.count for c in protected.margins if c.key[0] == "_T" and c.key[1] != "_T"},
            (): {(): protected.total()},
        },
        method="suppression",
    )
    assert any(c.suppressed for c in protected.cells)
    for low, high in rebuild(published, source).values():
        assert high - low >= 5
