"""Pairwise precision, recall and F1 of a clustering against the true persons."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class Scores:
    """Scores over record pairs: a pair is predicted when both records share a cluster."""

    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def pairwise(con: duckdb.DuckDBPyConnection, clusters: str, truth: str) -> Scores:
    """Score ``clusters(record_id, cluster_id)`` against ``truth(record_id, person_id)``.

    Both are table (or view) names; every record in ``truth`` must be in ``clusters``.
    """
    row = con.execute(
        f"""
        WITH j AS (
            SELECT c.cluster_id, t.person_id FROM {clusters} c JOIN {truth} t USING (record_id)
        )
        SELECT
          (SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) n FROM j GROUP BY person_id)),
          (SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) n FROM j GROUP BY cluster_id)),
          (SELECT coalesce(sum(n * (n - 1) / 2), 0)
             FROM (SELECT count(*) n FROM j GROUP BY cluster_id, person_id))
        """  # noqa: S608 - internal table names
    ).fetchall()[0]
    assert row is not None
    return Scores(int(row[0]), int(row[1]), int(row[2]))
