"""Differentially private counts with OpenDP: all attribute combinations up to length 3 of
CTDC-layout microdata, and count tables, with zero-concentrated DP (zCDP) accounting.

The design follows PRIVACY_RELEASE.md §4 (``od_pos_gauss``) with the two tricks that make
pac-synth (Synthetic Data Showcase) accurate: count present values only and bound each record's
contribution (a long record's combinations are scaled down evenly to the bound, see
``_clip_weight``), and measure length by length, so that a combination is only measured when all
its shorter parts were released (parent-child pruning on DP outputs costs no privacy).
Domains come from the public codebook, never from the data, so no value is learned from the
records. Noise is OpenDP's Gaussian (``make_gaussian``, discrete on whole counts); privacy loss is
rho (zCDP), converted to (epsilon, delta) by ``make_zCDP_to_approxDP``.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

Attribute = tuple[str, str]  # (column, value)
Combo = tuple[Attribute, ...]  # attributes in column order
# Relative margin on a sensitivity computed in floating point (weighted counts are float sums).
FLOAT_SLACK = 1e-6


def _opendp() -> Any:
    import opendp.prelude as dp

    dp.enable_features("contrib")
    return dp


def rng_for(seed: int | None) -> random.Random:
    """Unpredictable randomness for real releases; a seeded generator only when a test asks for one.

    Rounding and sampling must not be predictable: whoever could replay them could undo them.
    """
    if seed is None:
        return random.SystemRandom()
    return random.Random(seed)  # noqa: S311 - reproducible tests and benchmarks only


# --- accounting -----------------------------------------------------------------------------


@cache
def epsilon_of(rho: float, delta: float) -> float:
    """The epsilon of ``rho``-zCDP at ``delta``, as OpenDP's zCDP→approx-DP conversion states it."""
    if rho <= 0:
        return 0.0
    dp = _opendp()
    scale = 1.0 / math.sqrt(2.0 * rho)  # a unit-sensitivity Gaussian with exactly this rho
    gaussian = dp.m.make_gaussian(
        dp.atom_domain(T=float, nan=False), dp.absolute_distance(T=float), scale=scale
    )
    return float(dp.c.make_zCDP_to_approxDP(gaussian).map(1.0).epsilon(delta))


@cache
def rho_for(epsilon: float, delta: float) -> float:
    """The largest rho whose (epsilon, delta) statement stays within ``epsilon`` (bisection)."""
    if epsilon <= 0 or not 0 < delta < 1:
        raise ValueError("epsilon must be positive and delta between 0 and 1.")
    low, high = 0.0, epsilon
    for _ in range(80):
        mid = (low + high) / 2
        if epsilon_of(mid, delta) <= epsilon:
            low = mid
        else:
            high = mid
    return low


def default_delta(records: int) -> float:
    """delta = 1 / (n ln n), the value SDS and pac-synth use (at least n = 3)."""
    n = max(records, 3)
    return 1.0 / (n * math.log(n))


class BudgetExceeded(Exception):
    """A release would spend more privacy budget than the dataset has left."""


@dataclass
class Budget:
    """A dataset's privacy budget in zCDP rho; spends add up (sequential composition)."""

    epsilon: float
    delta: float
    spent_rho: float = 0.0

    @property
    def total_rho(self) -> float:
        return rho_for(self.epsilon, self.delta)

    @property
    def remaining_rho(self) -> float:
        return max(0.0, self.total_rho - self.spent_rho)

    @property
    def spent_epsilon(self) -> float:
        return epsilon_of(self.spent_rho, self.delta)

    def check(self, rho: float) -> None:
        if rho <= 0:
            raise ValueError("A spend must be positive.")
        # 1e-12: the bisection's own rounding must not refuse a release of exactly the budget.
        if self.spent_rho + rho > self.total_rho * (1 + 1e-12):
            raise BudgetExceeded(
                f"rho {rho:.4g} asked, {self.remaining_rho:.4g} left of {self.total_rho:.4g} "
                f"(epsilon {self.epsilon:g} at delta {self.delta:.3g})."
            )

    def spend(self, rho: float) -> None:
        self.check(rho)
        self.spent_rho += rho


# --- the noise ---------------------------------------------------------------------------------


def gaussian_counts(
    counts: Sequence[float], sensitivity: float, rho: float, *, whole: bool = True
) -> tuple[list[int], float]:
    """Gaussian noise on a vector of counts of L2 ``sensitivity``; returns rounded values and sigma.

    Whole counts with an integer sensitivity use OpenDP's discrete Gaussian on integers; anything
    else uses its float Gaussian on the exact sensitivity (rounding up to an integer would cost up
    to a quarter more noise, e.g. sqrt(10) -> 4), then rounds the results (post-processing).
    ``whole`` is the caller's statement, not read from the counts: the mechanism must not depend
    on the data.
    """
    dp = _opendp()
    integral = whole and abs(sensitivity - round(sensitivity)) < 1e-9
    d_in: float = round(sensitivity) if integral else sensitivity
    sigma = d_in / math.sqrt(2.0 * rho)
    if integral:
        space = dp.vector_domain(dp.atom_domain(T=int)), dp.l2_distance(T=int)
        d_in = int(d_in)
    else:
        space = dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.l2_distance(T=float)
    measurement = dp.m.make_gaussian(*space, scale=sigma)
    if measurement.map(d_in) > rho * (1 + 1e-9):  # OpenDP's own map is the authority
        raise RuntimeError("OpenDP states a larger privacy loss than planned.")
    if not counts:
        return [], sigma
    if integral:
        if not all(float(c).is_integer() for c in counts):
            raise ValueError("Whole counts were promised.")
        return [int(v) for v in measurement([int(c) for c in counts])], sigma
    return [round(v) for v in measurement([float(c) for c in counts])], sigma


# --- attribute combinations ----------------------------------------------------------------------


def attributes(row: Mapping[str, Any], columns: Sequence[str]) -> list[Attribute]:
    """The present values of one record, in column order (SDS convention: empty and '0' are absent)."""
    out: list[Attribute] = []
    for column in columns:
        value = row.get(column)
        if value is None:
            continue
        text = str(value)
        if text not in ("", "0"):
            out.append((column, text))
    return out


def combinations(attrs: Sequence[Attribute], max_length: int) -> Iterable[Combo]:
    for length in range(1, max_length + 1):
        yield from itertools.combinations(attrs, length)


def true_counts(
    records: Iterable[Mapping[str, Any]], columns: Sequence[str], max_length: int = 3
) -> Counter[Combo]:
    """Exact counts of every present combination up to ``max_length`` (for tests and utility reports)."""
    counts: Counter[Combo] = Counter()
    for row in records:
        counts.update(combinations(attributes(row, columns), max_length))
    return counts


@dataclass
class DpParameters:
    """How a DP measurement of combinations spends its budget; the defaults are the benchmark's best."""

    epsilon: float
    delta: float
    max_length: int = 3
    # Tuned on the generator's 50,000 records (bench/releases, synthetic data only).
    # Per length k, a record contributes at most as much as one of ``cap`` attributes: its
    # combinations whole, or, if longer, all C(n, k) of them at an even weight with the L2 norm
    # of C(cap, k) whole ones (``_clip_weight``). 14 keeps nearly every record whole for one-way
    # counts; 8 bounds the many 2- and 3-way combinations a long record would otherwise add (with
    # the even weights a lower bound than the former random subset of 10 pays: less noise, and a
    # long record still counts). Half the budget goes to the many 3-way cells. The one-way
    # threshold is high (the codebook has ~250 countries, most absent); longer ones are low,
    # since a candidate there already has every released parent.
    contribution_bound: tuple[int, ...] = (14, 8, 8)
    length_weights: tuple[float, ...] = (0.15, 0.35, 0.5)  # share of rho per length
    thresholds: tuple[float, ...] = (4.0, 0.4, 0.25)  # released when noisy count >= t * sigma
    # Share of rho for a DP histogram of record lengths, used to undo the bias of the bound.
    histogram_weight: float = 0.02
    # Share of the release's rho this measurement spends (the rest goes to other tables of the
    # same release, e.g. the criminal-justice ones).
    budget_share: float = 1.0
    seed: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "epsilon": self.epsilon,
            "delta": self.delta,
            "max_length": self.max_length,
            "contribution_bound": list(self.contribution_bound),
            "length_weights": list(self.length_weights),
            "thresholds": list(self.thresholds),
            "histogram_weight": self.histogram_weight,
            "budget_share": self.budget_share,
        }


@dataclass
class DpAggregates:
    """Released DP counts of combinations, by combination; what was spent and how."""

    counts: dict[Combo, int]
    rho: float
    sigmas: dict[int, float]
    candidates: dict[int, int]
    parameters: dict[str, Any] = field(default_factory=dict)
    columns: tuple[str, ...] = ()

    def of_length(self, length: int) -> dict[Combo, int]:
        return {c: n for c, n in self.counts.items() if len(c) == length}

    @property
    def records(self) -> int:
        """The estimated number of records: the largest one-way column total (post-processing)."""
        totals: Counter[str] = Counter()
        for combo, n in self.counts.items():
            if len(combo) == 1:
                totals[combo[0][0]] += n
        return max(totals.values(), default=0)


def measure_combinations(
    records: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    domains: Mapping[str, Sequence[str]],
    params: DpParameters,
) -> DpAggregates:
    """DP counts of all present-value combinations up to ``params.max_length``.

    ``domains`` is the public codebook: the values each column may take. A value outside it is
    dropped from the record (it would otherwise reveal itself by appearing).
    """
    caps = params.contribution_bound[: params.max_length]
    weights = params.length_weights[: params.max_length]
    share = sum(weights) + params.histogram_weight
    if not 0 < params.budget_share <= 1:
        raise ValueError("budget_share must be in (0, 1].")
    rho = rho_for(params.epsilon, params.delta) * params.budget_share
    allowed = {c: set(map(str, domains.get(c, ()))) for c in columns}
    order = {c: i for i, c in enumerate(columns)}
    # Combinations are counted as tuples of attribute numbers: hashing them is much cheaper.
    number: dict[Attribute, int] = {}
    truth: Counter[tuple[int, ...]] = Counter()  # of records within the cap of their length
    longer: dict[tuple[int, int], Counter[tuple[int, ...]]] = {}  # (length, size) -> over it
    lengths: Counter[int] = Counter()
    for row in records:
        attrs = [number.setdefault(a, len(number)) for a in attributes(row, columns) if a[1] in allowed[a[0]]]
        lengths[len(attrs)] += 1
        for length, cap in enumerate(caps, start=1):
            combos = itertools.combinations(attrs, length)
            if len(attrs) <= cap:
                truth.update(combos)
            else:
                longer.setdefault((length, len(attrs)), Counter()).update(combos)
    weighted: dict[tuple[int, ...], float] = dict(truth)
    for (length, size), counter in longer.items():
        weight = _clip_weight(caps[length - 1], size, length)
        for key, n in counter.items():
            weighted[key] = weighted.get(key, 0) + weight * n
    retention = dict.fromkeys(range(1, params.max_length + 1), 1.0)
    if params.histogram_weight > 0:
        # One record is in one bin: sensitivity 1. Post-processing turns it into retention rates.
        bins = list(range(len(columns) + 1))
        noisy_lengths, _ = gaussian_counts(
            [lengths.get(n, 0) for n in bins], 1.0, rho * params.histogram_weight / share
        )
        retention = _retention({n: max(0, v) for n, v in zip(bins, noisy_lengths, strict=True)}, caps)
    released: dict[Combo, int] = {}
    sigmas: dict[int, float] = {}
    sizes: dict[int, int] = {}
    previous: list[Combo] = [((c, v),) for c in columns for v in allowed[c]]
    for length in range(1, params.max_length + 1):
        candidates = previous if length == 1 else _extend(released, length, order)
        sizes[length] = len(candidates)
        rho_k = rho * weights[length - 1] / share
        # The slack covers float rounding in the sums of fractional weights (far below a millionth).
        sensitivity = math.sqrt(math.comb(caps[length - 1], length)) * (1 + FLOAT_SLACK)
        noisy, sigma = gaussian_counts(
            [weighted.get(tuple(number.get(a, -1) for a in c), 0) for c in candidates],
            sensitivity,
            rho_k,
            whole=False,
        )
        sigmas[length] = sigma
        floor = params.thresholds[length - 1] * sigma
        for combo, value in zip(candidates, noisy, strict=True):
            if value >= floor and value > 0:
                released[combo] = round(value / retention[length])
    _make_consistent(released)
    return DpAggregates(
        counts=released,
        rho=rho,
        sigmas=sigmas,
        candidates=sizes,
        parameters=params.as_dict(),
        columns=tuple(columns),
    )


def _clip_weight(cap: int, size: int, length: int) -> float:
    """The weight of each ``length``-combination of a record of ``size`` attributes under ``cap``.

    A record over the cap has C(size, k) combinations; scaled evenly to the L2 norm of C(cap, k)
    whole ones, each weighs sqrt(C(cap, k) / C(size, k)). The sensitivity is that of keeping a
    random cap-subset of attributes, but a kept share p of the record becomes sqrt(p) > p of its
    signal, with no sampling noise: at epsilon 12 the subset lost more reportable 2-way
    combinations to noise than pac-synth did; this keeps more at every epsilon (docs/benchmarks.md).
    """
    if size <= cap:
        return 1.0
    return math.sqrt(math.comb(cap, length) / math.comb(size, length))


def _retention(histogram: Mapping[int, int], caps: Sequence[int]) -> dict[int, float]:
    """For each length k, the expected share of k-combinations a record keeps under its cap.

    A record of n > cap attributes counts each of its C(n, k) combinations with the clipping
    weight; weighting by C(n, k) gives the share over all combinations of that length.
    """
    out: dict[int, float] = {}
    for k, cap in enumerate(caps, start=1):
        kept = sum(h * math.comb(n, k) * _clip_weight(cap, n, k) for n, h in histogram.items())
        total = sum(h * math.comb(n, k) for n, h in histogram.items())
        out[k] = kept / total if total and kept else 1.0
    return out


def _extend(released: Mapping[Combo, int], length: int, order: Mapping[str, int]) -> list[Combo]:
    """Combinations of ``length`` whose every sub-combination one shorter was released."""
    shorter = [c for c in released if len(c) == length - 1]
    singles = sorted((c[0] for c in released if len(c) == 1), key=lambda a: (order[a[0]], a[1]))
    known = set(shorter)
    out: list[Combo] = []
    for combo in shorter:
        last = order[combo[-1][0]]
        for attr in singles:
            if order[attr[0]] <= last:
                continue
            candidate = (*combo, attr)
            if all(sub in known for sub in itertools.combinations(candidate, length - 1)):
                out.append(candidate)
    return out


def _make_consistent(released: dict[Combo, int]) -> None:
    """A combination never counts more than any of its parts (post-processing, costs no privacy)."""
    for combo in sorted(released, key=len):
        if len(combo) < 2:
            continue
        cap = min(released.get(sub, 0) for sub in itertools.combinations(combo, len(combo) - 1))
        if cap <= 0:
            del released[combo]
        elif released[combo] > cap:
            released[combo] = cap


def noisy_table(
    cells: Mapping[tuple[str, ...], int], rho: float, sensitivity: float = 1.0
) -> dict[tuple[str, ...], int]:
    """DP counts of one table over a public set of cells, negative results clipped to 0."""
    keys = list(cells)
    noisy, _sigma = gaussian_counts([cells[k] for k in keys], sensitivity, rho)
    return {k: max(0, v) for k, v in zip(keys, noisy, strict=True)}
