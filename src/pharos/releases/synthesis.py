"""Synthetic microdata built only from released DP aggregates (post-processing: no extra privacy cost).

Each synthetic record grows one attribute at a time. An attribute may join only if every
combination it forms with the record's attributes, up to the aggregates' length, is among the
released combinations, so the output contains no short combination absent from them. The
chance of taking a value is the smallest conditional frequency the aggregates give for it
(count of the combination with it / count without it), and a column stays empty with the
remaining probability. This is the idea of SDS's aggregate-seeded synthesizer; pac-synth only
runs it on data it measured itself, so it cannot synthesise from our OpenDP aggregates.

That minimum makes values rarer than the aggregates say, so pilot draws first measure each
value's shortfall against its released one-way count and scale its weight (raking). On the
benchmark's 47,517 records at epsilon 4 this took the synthetic records' one-way error from
0.50 to 0.30, 2-way from 0.76 to 0.51, 3-way from 0.84 to 0.56 (more rounds or larger pilots
did not help: the rest comes from the candidate rule). Written here because no maintained
library synthesises from aggregates measured elsewhere.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from pharos.releases.dp import Attribute, Combo, DpAggregates, rng_for


class _Index:
    """The released combinations, indexed so a record's candidates are found by set intersection."""

    def __init__(self, counts: Mapping[Combo, int], records: int, order: Mapping[str, int]) -> None:
        self.counts = counts
        self.records = max(1, records)
        self.order = order
        self.by_column: dict[str, set[Attribute]] = defaultdict(set)
        self.pairs: dict[Attribute, set[Attribute]] = defaultdict(set)
        self.triples: dict[tuple[Attribute, Attribute], set[Attribute]] = defaultdict(set)
        for combo in counts:
            if len(combo) == 1:
                self.by_column[combo[0][0]].add(combo[0])
            elif len(combo) == 2:
                a, b = combo
                self.pairs[a].add(b)
                self.pairs[b].add(a)
            elif len(combo) == 3:
                a, b, c = combo
                self.triples[(a, b)].add(c)
                self.triples[(a, c)].add(b)
                self.triples[(b, c)].add(a)

    def key(self, *attrs: Attribute) -> Combo:
        return tuple(sorted(attrs, key=lambda a: self.order[a[0]]))

    def candidates(self, record: Sequence[Attribute], column: str, max_length: int) -> list[Attribute]:
        """Values of ``column`` whose every combination with the record (up to ``max_length``) was released."""
        found = set(self.by_column.get(column, ()))
        if max_length >= 2:
            for a in record:
                found &= self.pairs.get(a, set())
        if max_length >= 3:
            for a, b in itertools.combinations(record, 2):
                pair = (a, b) if self.order[a[0]] <= self.order[b[0]] else (b, a)
                found &= self.triples.get(pair, set())
        return sorted(found)

    def weight(self, record: Sequence[Attribute], candidate: Attribute) -> float:
        """min over sub-combinations S of the record (|S| <= 2) of count(S + c) / count(S)

        (S empty: count(c) / records).
        """
        best = self.counts.get((candidate,), 0) / self.records
        for size in (1, 2):
            for subset in itertools.combinations(record, size):
                with_it = self.counts.get(self.key(*subset, candidate), 0)
                base = self.counts.get(self.key(*subset), 0)
                if base > 0:
                    best = min(best, with_it / base)
        return best


# Calibration: the sampler's conditional frequencies (a minimum over noisy ratios) make values
# rarer than the aggregates say. Pilot draws measure each value's shortfall and scale its
# weight (raking on the one-way counts, post-processing of the released counts only).
CALIBRATION_ROUNDS = 4
PILOT_RECORDS = 2000
MAX_FACTOR = 8.0


def synthesize(
    aggregates: DpAggregates,
    records: int | None = None,
    *,
    seed: int | None = None,
    calibrate: bool = True,
) -> list[dict[str, str]]:
    """``records`` synthetic rows (default: the aggregates' estimated count) in the aggregates' columns."""
    rng = rng_for(seed)
    columns = list(aggregates.columns)
    order = {c: i for i, c in enumerate(columns)}
    max_length = max((len(c) for c in aggregates.counts), default=1)
    if max_length > 3:
        raise ValueError("Synthesis reads combinations of up to three attributes.")
    index = _Index(aggregates.counts, aggregates.records, order)
    wanted = aggregates.records if records is None else records
    factors: dict[Attribute, float] = {}

    def draw() -> list[Attribute]:
        return _draw(index, columns, order, max_length, factors, rng)

    if calibrate and wanted > 0:
        targets = {combo[0]: n for combo, n in aggregates.counts.items() if len(combo) == 1}
        pilot = min(wanted, PILOT_RECORDS)
        for _ in range(CALIBRATION_ROUNDS):
            drawn: Counter[Attribute] = Counter(a for _ in range(pilot) for a in draw())
            for attribute, target in targets.items():
                expected = target * pilot / index.records
                ratio = (expected + 1) / (drawn.get(attribute, 0) + 1)  # smoothed: no division by zero
                factor = factors.get(attribute, 1.0) * ratio
                factors[attribute] = min(MAX_FACTOR, max(1 / MAX_FACTOR, factor))
    out: list[dict[str, str]] = []
    for _ in range(wanted):
        row = dict.fromkeys(columns, "")
        row.update(dict(draw()))
        out.append(row)
    return out


def _draw(
    index: _Index,
    columns: Sequence[str],
    order: Mapping[str, int],
    max_length: int,
    factors: Mapping[Attribute, float],
    rng: Any,
) -> list[Attribute]:
    """One synthetic record: columns in random order, each value weighted by the aggregates."""
    record: list[Attribute] = []
    for column in rng.sample(list(columns), len(columns)):
        options = index.candidates(record, column, max_length)
        weights = [index.weight(record, o) * factors.get(o, 1.0) for o in options]
        mass = sum(weights)
        if mass <= 0:
            continue
        # Several values of one column share the record's chance; above 1 it is normalised.
        chance = rng.random() * max(1.0, mass)
        if chance >= mass:
            continue
        for option, w in zip(options, weights, strict=True):
            chance -= w
            if chance < 0:
                record.append(option)
                break
        record.sort(key=lambda a: order[a[0]])
    return record
