"""`pharos dedup`: the CLI contract, its errors, and reviewers' decisions."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from pharos.linkage.engine.clusters import Decision, cluster_edges
from pharos.linkage.tests.conftest import Generated, pair_scores

HEADER = "record_id,prs_FirstName,prs_SecondName,prs_Birthdate,prs_Gender,prs_Citizenship\n"


def _clusters(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["record_id", "cluster_id"]
        return {row["record_id"]: row["cluster_id"] for row in reader}


@pytest.fixture(scope="module")
def deduplicated(generated: Generated, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("dedup")
    out, review = folder / "clusters.csv", folder / "review.csv"
    call_command("dedup", str(generated.records), "--out", str(out), "--review", str(review), "--quiet")
    return out, review


def test_every_record_gets_one_cluster_and_duplicates_share_it(
    generated: Generated, deduplicated: tuple[Path, Path]
) -> None:
    clusters = _clusters(deduplicated[0])
    person_of = generated.person_of()
    assert set(clusters) == set(person_of)
    precision, recall = pair_scores(clusters, person_of)
    assert precision > 0.9, precision
    assert recall > 0.8, recall
    assert len(set(clusters.values())) < len(clusters)  # something was merged


def test_the_same_input_gives_the_same_clusters(
    generated: Generated, deduplicated: tuple[Path, Path], tmp_path: Path
) -> None:
    again = tmp_path / "again.csv"
    call_command("dedup", str(generated.records), "--out", str(again), "--quiet")
    assert again.read_bytes() == deduplicated[0].read_bytes()


def test_transliterated_and_swapped_duplicates_are_found(generated: Generated, tmp_path: Path) -> None:
    rows = [
        "a1,Юлия,Шевченко,1990-03-11,Feminine,UA",
        "a2,Yuliya,Shevchenko,1990-11-03,Feminine,UA",  # another scheme, day and month swapped
        "a3,Shevchenko,Iuliia,1990-03-11,,UA",  # names in the wrong order, gender missing
        "b1,Mohammed,Al-Hassan,1985-07-02,Masculine,SY",
        "b2,محمد,الحسن,1985-07-02,Masculine,SY",
        "c1,Ana,Popescu,1979-11-30,Feminine,RO",
    ]
    # Among generated records, so that the model has real duplicates to learn from.
    columns = HEADER.strip().split(",")
    background = [",".join(row[c] for c in columns) for row in generated.rows()]
    source = tmp_path / "in.csv"
    source.write_text(HEADER + "\n".join(rows + background) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    call_command("dedup", str(source), "--out", str(out), "--quiet")
    clusters = _clusters(out)
    assert clusters["a1"] == clusters["a2"] == clusters["a3"]
    assert clusters["b1"] == clusters["b2"]
    assert clusters["c1"] not in {clusters["a1"], clusters["b1"]}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("record_id,prs_FirstName\n1,Ana\n", "missing column(s) prs_SecondName"),
        (HEADER, "no records"),
        (
            HEADER + "1,Ana,Pop,1990-02-30,F,RO\n2,Ion,Pop,31/01/1990,M,RO\n",
            "bad values: 1: '1990-02-30'; 2: '31/01/1990'",
        ),
        (HEADER + "1,Ana,Pop,,F,RO\n1,Ion,Pop,,M,RO\n", "record_id must be unique; repeated: 1"),
    ],
)
def test_bad_input_is_refused_with_a_reason(tmp_path: Path, content: str, message: str) -> None:
    source = tmp_path / "in.csv"
    source.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("dedup", str(source), "--out", str(tmp_path / "out.csv"), "--quiet")
    assert message in str(caught.value)
    assert not (tmp_path / "out.csv").exists()


def test_the_console_command_exits_non_zero_without_a_traceback(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("record_id,prs_FirstName\n1,Ana\n", encoding="utf-8")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
    done = subprocess.run(
        [sys.executable, "-m", "pharos", "dedup", str(source), "--out", str(tmp_path / "o.csv")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode != 0
    assert "missing column(s)" in done.stderr
    assert "Traceback" not in done.stderr


def _clustered(edges: list[tuple[str, str, float]], decisions: list[Decision]) -> dict[str, str]:
    con = duckdb.connect()
    con.execute("CREATE TABLE nodes AS SELECT * FROM (VALUES ('a'), ('b'), ('c'), ('d')) t(unique_id)")
    con.execute("CREATE TABLE scored (l VARCHAR, r VARCHAR, p DOUBLE)")
    if edges:
        con.executemany("INSERT INTO scored VALUES (?, ?, ?)", edges)
    cluster_edges(con, "nodes", "scored", threshold=0.9, decisions=decisions)
    return dict(con.execute("SELECT unique_id, cluster_id FROM clusters").fetchall())


def test_a_rejected_pair_is_kept_apart_even_when_linked_through_others() -> None:
    edges = [("a", "b", 0.99), ("b", "c", 0.95), ("c", "d", 0.2)]
    assert len(set(_clustered(edges, []).values())) == 2  # {a, b, c}, {d}
    kept_apart = _clustered(edges, [Decision("a", "c", "reject")])
    assert kept_apart["a"] != kept_apart["c"]
    assert kept_apart["a"] == kept_apart["b"]  # the stronger edge wins


def test_a_confirmed_pair_is_joined_whatever_its_score() -> None:
    clusters = _clustered([("c", "d", 0.2)], [Decision("d", "c", "confirm")])
    assert clusters["c"] == clusters["d"] == "c"


def test_decisions_file_is_respected_by_the_next_run(
    generated: Generated, deduplicated: tuple[Path, Path], tmp_path: Path
) -> None:
    clusters = _clusters(deduplicated[0])
    by_cluster: dict[str, list[str]] = {}
    for record, cluster in clusters.items():
        by_cluster.setdefault(cluster, []).append(record)
    pair = next(sorted(members)[:2] for members in by_cluster.values() if len(members) >= 2)
    singles = sorted(members[0] for members in by_cluster.values() if len(members) == 1)[:2]
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(
        f"left,right,verdict\n{pair[0]},{pair[1]},reject\n{singles[0]},{singles[1]},confirm\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    call_command("dedup", str(generated.records), "--out", str(out), "--decisions", str(decisions), "--quiet")
    after = _clusters(out)
    assert after[pair[0]] != after[pair[1]]
    assert after[singles[0]] == after[singles[1]]


def test_an_identity_number_links_reports_whose_names_and_dates_disagree(
    generated: Generated, tmp_path: Path
) -> None:
    """With the optional ``prs_IdentityNumber`` column, the same document number links records
    that names and dates alone cannot (here every other repeat report loses its date of birth
    and gets another first name)."""
    rows, person_of = generated.rows(), generated.person_of()
    seen: set[str] = set()
    for index, row in enumerate(rows):
        person = person_of[row["record_id"]]
        row["prs_IdentityNumber"] = f"P{int(person[1:]) * 7919 % 10**7:07d}"
        if person in seen and index % 2:
            row["prs_Birthdate"] = ""
            row["prs_FirstName"] = "Zz" + row["prs_FirstName"][::-1]
        seen.add(person)
    source, out = tmp_path / "with-ids.csv", tmp_path / "clusters.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    call_command("dedup", str(source), "--out", str(out), "--quiet")
    precision, recall = pair_scores(_clusters(out), person_of)
    assert precision > 0.9, precision
    assert recall > 0.9, recall
