"""The same de-duplication through Splink's Spark backend (local mode) agrees with DuckDB.

Slow (a JVM starts), so it runs once, on a few hundred generated records; it is not
skipped in CI: pyspark is a dev dependency and Java 17 is on the machine.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pharos.linkage.engine.dedup import deduplicate
from pharos.linkage.tests.conftest import make, pair_scores


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory):
    if shutil.which("java") is None:
        pytest.fail("Java is needed for the Spark test (Java 17 is on the project's machines)")
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    session = (
        SparkSession.builder.master("local[1]")
        .appName("pharos-linkage-test")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(str(tmp_path_factory.mktemp("spark-checkpoints")))
    yield session
    session.stop()


def _clusters(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT unique_id, cluster_id FROM clusters").fetchall())


@pytest.mark.spark
def test_spark_backend_gives_the_clusters_duckdb_gives(spark, tmp_path: Path) -> None:
    data = make(tmp_path, 300, 11)
    on_duckdb, on_spark = duckdb.connect(), duckdb.connect()
    deduplicate(data.records, None, con=on_duckdb)
    deduplicate(data.records, None, con=on_spark, spark=spark)
    duck, sparked = _clusters(on_duckdb), _clusters(on_spark)
    assert set(duck) == set(sparked)
    # DuckDB's clusters as the reference: Spark's must be (nearly) the same partition.
    precision, recall = pair_scores(sparked, duck)
    assert precision >= 0.97, precision
    assert recall >= 0.97, recall
    truth_precision, truth_recall = pair_scores(sparked, data.person_of())
    assert truth_precision > 0.85
    assert truth_recall > 0.75
