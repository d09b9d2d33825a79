"""De-duplication of one organisation's (or one instance's) person records with Splink.

``deduplicate(INPUT.csv, CLUSTERS.csv)`` reads the CLI contract (``records``), trains the
model (``model``), scores the blocked pairs, applies earlier review decisions, clusters at
the threshold and writes ``record_id,cluster_id``. Everything happens in one in-process
DuckDB database; nothing is written but the output (and, on request, the review pairs).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pharos.linkage.engine import model, records
from pharos.linkage.engine.clusters import Decision, cluster_edges

Say = Callable[[str], None]


@dataclass
class DedupResult:
    """What a run produced: counts, the stage timings and the pairs left for review."""

    records: int = 0
    clusters: int = 0
    merged_records: int = 0  # records that joined another record's cluster
    scored_pairs: int = 0
    linked_pairs: int = 0
    context: bool = False
    seconds: dict[str, float] = field(default_factory=dict)
    review: list[tuple[str, str, float]] = field(default_factory=list)


class _Clock:
    def __init__(self, say: Say | None) -> None:
        self.started = self.last = time.perf_counter()
        self.say = say
        self.seconds: dict[str, float] = {}
        self.stage = ""

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        if self.stage:
            self.seconds[self.stage] = self.seconds.get(self.stage, 0.0) + now - self.last
        self.stage, self.last = stage, now
        if self.say is not None and stage:
            self.say(f"[{now - self.started:7.1f} s] {stage}")

    def stop(self) -> dict[str, float]:
        self("")
        self.seconds["total"] = time.perf_counter() - self.started
        return self.seconds


def quiet_splink() -> None:
    """Splink logs every SQL stage, and warns of untrainable levels; the CLI prints its own progress."""
    for name in ("splink", "py4j"):
        logging.getLogger(name).setLevel(logging.ERROR)


def deduplicate(
    source: Path | pa.Table,
    out: Path | None,
    *,
    tuning: model.Tuning | None = None,
    decisions: Iterable[Decision] = (),
    use_context: bool = True,
    say: Say | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    spark: Any = None,
) -> DedupResult:
    """Cluster the records of ``source``; write ``record_id,cluster_id`` to ``out`` if given.

    ``decisions`` are earlier reviewers' verdicts on pairs: a confirmed pair is always in one
    cluster, a rejected pair never (see ``clusters.cluster_edges``). With a ``spark`` session
    the model is trained and the pairs scored by Splink's Spark backend (docs/linkage.md);
    reading, normalising and clustering stay here.
    """
    from splink import DuckDBAPI, Linker

    tuning = tuning or model.Tuning()
    clock = _Clock(say)
    quiet_splink()
    con = con or duckdb.connect()
    clock("reading and checking the records")
    loaded = records.load(con, source, use_context=use_context)
    result = DedupResult(records=loaded.rows, context=loaded.context)
    clock(f"{loaded.rows:,} records; training the model" + (" (with case context)" if loaded.context else ""))
    coe_u = model.country_u(con, "records") if loaded.context else 0.05
    if spark is None:
        db_api = DuckDBAPI(connection=con)
        settings = model.settings(loaded.context, extra=loaded.extra, coe_u=coe_u)
        linker = Linker(db_api.register("records"), settings, log_level=None)
        model.train(linker, tuning=tuning, context=loaded.context, say=clock, extra=loaded.extra)
        clock("scoring candidate pairs")
        predictions = linker.inference.predict(
            threshold_match_probability=tuning.review_low, warning_mode="never"
        )
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE scored AS
                SELECT unique_id_l AS l, unique_id_r AS r, match_probability AS p
                FROM {predictions.physical_name}"""  # noqa: S608 - a Splink table name
        )
        predictions.drop_table_from_database_and_remove_from_cache()
    else:
        _score_on_spark(con, spark, loaded, tuning, clock, coe_u)
    result.scored_pairs = con.execute("SELECT count(*) FROM scored").fetchall()[0][0]
    clock(f"{result.scored_pairs:,} pairs at or above {tuning.review_low}; clustering at {tuning.threshold}")
    clustered = cluster_edges(con, "records", "scored", threshold=tuning.threshold, decisions=decisions)
    result.linked_pairs = clustered.edges
    result.review = [
        (str(l_), str(r_), float(p))
        for l_, r_, p in con.execute(
            "SELECT l, r, p FROM scored WHERE p < ? ORDER BY p DESC, l, r", [tuning.threshold]
        ).fetchall()
    ]
    stats = con.execute(
        "SELECT count(DISTINCT cluster_id), count(*) - count(DISTINCT cluster_id) FROM clusters"
    ).fetchall()[0]
    assert stats is not None
    result.clusters, result.merged_records = int(stats[0]), int(stats[1])
    if out is not None:
        clock("writing the clusters")
        write_clusters(con, out)
    result.seconds = clock.stop()
    if say is not None:
        say(
            f"[{result.seconds['total']:7.1f} s] {result.records:,} records → {result.clusters:,} persons "
            f"({result.merged_records:,} records merged); {len(result.review):,} pairs for review"
        )
    return result


def write_clusters(con: duckdb.DuckDBPyConnection, out: Path) -> None:
    target = "'" + str(out).replace("'", "''") + "'"
    con.execute(
        f"COPY (SELECT unique_id AS record_id, cluster_id FROM clusters ORDER BY record_id) "  # noqa: S608 - quoted path
        f"TO {target} (HEADER, DELIMITER ',')"
    )


def _score_on_spark(
    con: duckdb.DuckDBPyConnection,
    spark: Any,
    loaded: records.Loaded,
    tuning: model.Tuning,
    clock: _Clock,
    coe_u: float,
) -> None:
    """Train and predict with Splink on Spark; the scored pairs come back as the ``scored`` table."""
    import tempfile

    from splink import Linker
    from splink.backends.spark import SparkAPI

    with tempfile.TemporaryDirectory(prefix="pharos-linkage-") as folder:
        path = Path(folder) / "records.parquet"
        target = "'" + str(path).replace("'", "''") + "'"
        con.execute(f"COPY records TO {target} (FORMAT parquet)")
        frame = spark.read.parquet(str(path)).cache()
        frame.count()  # read before the folder goes
        db_api = SparkAPI(spark_session=spark, break_lineage_method="persist")
        settings = model.settings(loaded.context, dialect="spark", extra=loaded.extra, coe_u=coe_u)
        linker = Linker(db_api.register(frame), settings, log_level=None)
        model.train(linker, tuning=tuning, context=loaded.context, say=clock, extra=loaded.extra)
        clock("scoring candidate pairs (Spark)")
        predictions = linker.inference.predict(
            threshold_match_probability=tuning.review_low, warning_mode="never"
        )
        pairs = predictions.as_spark_dataframe().selectExpr(
            "unique_id_l AS l", "unique_id_r AS r", "CAST(match_probability AS DOUBLE) AS p"
        )
        arrow = pairs.toArrow()
        frame.unpersist()
    con.register("scored_arrow", arrow)
    con.execute("CREATE OR REPLACE TEMP TABLE scored AS SELECT * FROM scored_arrow")
    con.unregister("scored_arrow")
