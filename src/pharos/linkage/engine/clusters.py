"""From scored pairs to persons: connected components, with reviewers' decisions respected.

A pair at or above the threshold links two records; a reviewer's *confirm* links a pair
whatever its score, a *reject* forbids it. Rejecting one edge is not enough when the two
records are still joined through others, so a component that holds a rejected pair is
rebuilt greedily: edges in order of falling probability (confirmed ones first), each kept
only if it does not put a rejected pair into one cluster. Components without a rejected
pair are plain connected components. The cluster id is the smallest record id in it, so
the same edges always give the same ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import duckdb
import pyarrow as pa

Verdict = Literal["confirm", "reject"]


@dataclass(frozen=True)
class Decision:
    """A reviewer's verdict on whether two records are the same person."""

    left: str
    right: str
    verdict: Verdict


@dataclass(frozen=True)
class Clustered:
    clusters: int
    edges: int


class _Sets:
    """Union-find over 0..n-1 with path halving."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def cluster_edges(
    con: duckdb.DuckDBPyConnection,
    nodes: str,
    scored: str,
    *,
    threshold: float,
    decisions: Iterable[Decision] = (),
    node_column: str = "unique_id",
) -> Clustered:
    """Create the table ``clusters(unique_id, cluster_id)`` from ``nodes`` and ``scored(l, r, p)``."""
    ids = [r[0] for r in con.execute(f'SELECT "{node_column}" FROM {nodes} ORDER BY 1').fetchall()]  # noqa: S608 - internal table names
    index = {v: i for i, v in enumerate(ids)}
    confirm: set[tuple[int, int]] = set()
    reject: set[tuple[int, int]] = set()
    for d in decisions:
        a, b = index.get(d.left), index.get(d.right)
        if a is None or b is None or a == b:
            continue  # a decision about a record that is no longer there
        (confirm if d.verdict == "confirm" else reject).add((min(a, b), max(a, b)))
    rows = con.execute(f"SELECT l, r, p FROM {scored} WHERE p >= ?", [threshold]).fetchall()  # noqa: S608
    edges: list[tuple[float, int, int]] = [(2.0, a, b) for a, b in confirm]
    for left, right, p in rows:
        a, b = index[left], index[right]
        pair = (min(a, b), max(a, b))
        if pair not in reject and pair not in confirm:
            edges.append((float(p), pair[0], pair[1]))
    sets = _Sets(len(ids))
    for _p, a, b in edges:
        sets.union(a, b)
    if reject:
        _split_rejected(sets, edges, reject)
    roots = [sets.find(i) for i in range(len(ids))]
    members: dict[int, int] = {}
    for i, root in enumerate(roots):  # ids are sorted, so the first member seen is the smallest
        members.setdefault(root, i)
    table = pa.table({"unique_id": ids, "cluster_id": [ids[members[root]] for root in roots]})
    con.register("clusters_arrow", table)
    con.execute("CREATE OR REPLACE TEMP TABLE clusters AS SELECT * FROM clusters_arrow")
    con.unregister("clusters_arrow")
    return Clustered(clusters=len(members), edges=len(edges))


def _split_rejected(sets: _Sets, edges: list[tuple[float, int, int]], reject: set[tuple[int, int]]) -> None:
    """Rebuild every component that holds a rejected pair, keeping the pair apart."""
    broken = {sets.find(a) for a, b in reject if sets.find(a) == sets.find(b)}
    if not broken:
        return
    component_edges: dict[int, list[tuple[float, int, int]]] = defaultdict(list)
    nodes: dict[int, set[int]] = defaultdict(set)
    for edge in edges:
        root = sets.find(edge[1])
        if root in broken:
            component_edges[root].append(edge)
            nodes[root].update(edge[1:])
    for root in broken:
        for node in nodes[root]:
            sets.parent[node] = node
        forbidden: dict[int, set[int]] = defaultdict(set)
        for a, b in reject:
            if a in nodes[root] and b in nodes[root]:
                forbidden[a].add(b)
                forbidden[b].add(a)
        groups: dict[int, set[int]] = {n: {n} for n in nodes[root]}
        for _p, a, b in sorted(component_edges[root], key=lambda e: (-e[0], e[1], e[2])):
            ra, rb = sets.find(a), sets.find(b)
            if ra == rb:
                continue
            if any(forbidden[x] & groups[rb] for x in groups[ra]):
                continue
            sets.union(ra, rb)
            keep, gone = (ra, rb) if sets.find(ra) == ra else (rb, ra)
            groups[keep] |= groups.pop(gone)
