"""Threshold suppression with secondary suppression for ``StandardTable``s.

Primary suppression hides every count from 1 to ``threshold - 1`` (zero is a structural
count and stays). Secondary suppression then makes sure no hidden count can be rebuilt by
one subtraction: every margin relation of the table (a margin and the cells that differ from
it in one dimension only) is checked; where it holds exactly one hidden entry, the smallest
other non-zero entry of the relation is hidden too, until no relation has a single hidden
entry. This is the "hypercube" style of secondary suppression (as in tau-ARGUS), done by hand
because no maintained Python package applies it to margins that are counted, not summed (the
multi-select dimensions of these tables). It guards against subtraction within one table;
it is not an optimal (least-loss) pattern and not a guarantee against linear programming over
many tables: releases that need that use rounding or differential privacy on top.

Shares, rates and denominators of a hidden count are hidden with it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from pharos.statistics.tables import TOTAL, Cell, StandardTable


def _relations(keys: list[tuple[str, ...]], width: int) -> list[list[tuple[str, ...]]]:
    """Groups [margin, member, member…] where members differ from the margin in one dimension."""
    present = set(keys)
    groups: dict[tuple[int, tuple[str, ...]], list[tuple[str, ...]]] = defaultdict(list)
    for key in keys:
        for position in range(width):
            if key[position] == TOTAL:
                continue
            parent = (*key[:position], TOTAL, *key[position + 1 :])
            groups[(position, parent)].append(key)
    return [[parent, *members] for (_, parent), members in groups.items() if parent in present]


def suppress_table(table: StandardTable, threshold: int) -> StandardTable:
    """A copy of ``table`` with small counts hidden and enough others hidden to protect them."""
    entries: dict[tuple[str, ...], Cell] = {c.key: c for c in table.entries()}
    counts = {key: (cell.count or 0) for key, cell in entries.items()}
    hidden = {key for key, n in counts.items() if 0 < n < threshold}
    relations = _relations(list(entries), len(table.dimensions))
    changed = bool(hidden)
    while changed:
        changed = False
        for relation in relations:
            in_relation = [k for k in relation if k in entries]
            mine = [k for k in in_relation if k in hidden]
            if len(mine) != 1:
                continue
            candidates = sorted(
                (k for k in in_relation if k not in hidden and counts[k] > 0), key=lambda k: (counts[k], k)
            )
            if candidates:
                hidden.add(candidates[0])
                changed = True

    def treat(cell: Cell) -> Cell:
        if cell.key not in hidden:
            return cell
        return replace(cell, count=None, values=dict.fromkeys(cell.values), suppressed=True)

    def share_safe(cell: Cell) -> Cell:
        # A share whose denominator is hidden would give the denominator back from the count.
        denominator_key = _denominator_key(table, cell.key)
        small = (cell.values.get("denominator") or 0) < threshold
        if "share" in cell.values and (small or (denominator_key is not None and denominator_key in hidden)):
            return replace(cell, values={**cell.values, "share": None, "denominator": None})
        return cell

    result = replace(
        table,
        cells=[share_safe(treat(c)) for c in table.cells],
        margins=[share_safe(treat(c)) for c in table.margins],
        disclosure=f"threshold {threshold} with secondary suppression",
    )
    result.notes = [
        *table.notes,
        f"Counts below {threshold} are hidden, and further counts are hidden so that they cannot be "
        "recomputed from the totals.",
    ]
    return result


def _denominator_key(table: StandardTable, key: tuple[str, ...]) -> tuple[str, ...] | None:
    multi = table.multi_select
    if multi is None:
        return None
    position = table.dimension_names.index(multi.name)
    if key[position] == TOTAL:
        return None
    return (*key[:position], TOTAL, *key[position + 1 :])
