"""The unit of count: which person records are the same human being.

Every standard table counts persons once. ``person_units`` is the one place that decides what
"the same person" means: when record linkage (``pharos.linkage.queries.person_clusters``)
exists, persons of one cluster are one unit; until then each ``Person`` row is its own unit.
Swap the source here and every table follows.

Expected linkage interface: ``person_clusters(person_ids: list[int]) -> dict[int, int | str]``
(person row id → cluster key; persons missing from the answer are their own cluster).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

import pyarrow as pa


def _linkage_source() -> Callable[[list[int]], dict[int, Any]] | None:
    try:
        module = importlib.import_module("pharos.linkage.queries")
    except ImportError:
        return None
    found = getattr(module, "person_clusters", None)
    return found if callable(found) else None


def person_units(person_ids: Sequence[int] | pa.Array) -> pa.Array:
    """A unit key (string) per person id, in the same order."""
    ids = person_ids.to_pylist() if isinstance(person_ids, pa.Array) else list(person_ids)
    source = _linkage_source()
    if source is None:
        return pa.array([f"p{i}" for i in ids], type=pa.string())
    clusters = source(sorted(set(ids)))
    return pa.array(
        [f"c{clusters[i]}" if i in clusters else f"p{i}" for i in ids],
        type=pa.string(),
    )


def source_name() -> str:
    """What the tables' notes say about how persons were counted."""
    if _linkage_source() is None:
        return "Each person record is counted once (record linkage clusters not available)."
    return "Persons are counted once per record-linkage cluster."
