"""Small generated data sets shared by the linkage tests (made once per test session)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from pharos.standards.generator import GeneratorConfig, generate


@dataclass(frozen=True)
class Generated:
    records: Path
    truth: Path

    def rows(self) -> list[dict[str, str]]:
        with self.records.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def person_of(self) -> dict[str, str]:
        with self.truth.open(encoding="utf-8", newline="") as handle:
            return {row["record_id"]: row["person_id"] for row in csv.DictReader(handle)}


def make(folder: Path, cases: int, seed: int) -> Generated:
    records, truth = folder / f"g{cases}-{seed}.csv", folder / f"g{cases}-{seed}.truth.csv"
    generate(GeneratorConfig(cases=cases, seed=seed), records, truth)
    return Generated(records, truth)


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return make(tmp_path_factory.mktemp("linkage"), 600, 5)


def pair_scores(clusters: dict[str, str], person_of: dict[str, str]) -> tuple[float, float]:
    """Pairwise precision and recall of ``record → cluster`` against ``record → person``."""
    from collections import Counter

    def pairs(counts: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    predicted = pairs(Counter(clusters.values()))
    true = pairs(Counter(person_of.values()))
    correct = pairs(Counter((clusters[r], person_of[r]) for r in person_of))
    return (correct / predicted if predicted else 1.0), (correct / true if true else 1.0)
