"""The work inside the linkage jobs: from database rows to the engine and back.

``dedup_outcome`` decrypts the persons of a run's scope into an Arrow table in memory (the
engine's CLI contract, one row a person, ``record_id`` the person's public id), runs the
engine's Splink de-duplication in an in-process DuckDB whose spilling to disk is switched
off, and maps the clusters and the uncertain pairs back to persons. No plaintext is written
to a file at any point.

``link_project`` hands the participants' encodings (never plaintext) to the engine's PPRL
link and returns, per participant, a ZIP with only its own records and the totals, the same
two files ``pharos pprl link --per-participant`` writes.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pharos.linkage.actions import RunOutcome
from pharos.linkage.engine import model
from pharos.linkage.engine.clusters import Decision
from pharos.linkage.models import LinkageProject, LinkageRun, PairDecision, Verdict
from pharos.linkage.queries import persons_in_scope
from pharos.privacy import files

Step = Callable[[str], None]

_FIELDS = (
    "public_id",
    "first_name",
    "second_name",
    "birth_date",
    "gender",
    "citizenships",
    "identity_number",
)


def tuning_of(run: LinkageRun) -> model.Tuning:
    """The run's thresholds and caps over the engine's defaults (unknown keys ignored)."""
    known = set(model.Tuning.__dataclass_fields__)
    return model.Tuning(**{k: v for k, v in run.parameters.items() if k in known})


def person_table(run: LinkageRun) -> tuple[pa.Table, dict[str, int]]:
    """The persons of the run's scope as the engine's input, and record id → person pk."""
    columns: dict[str, list[str | None]] = {
        "record_id": [],
        "prs_FirstName": [],
        "prs_SecondName": [],
        "prs_Birthdate": [],
        "prs_Gender": [],
        "prs_Citizenship": [],
        "prs_IdentityNumber": [],
    }
    pk_of: dict[str, int] = {}
    for person in persons_in_scope(run).only("pk", *_FIELDS).order_by("pk").iterator(chunk_size=2000):
        record_id = str(person.public_id)
        pk_of[record_id] = person.pk
        columns["record_id"].append(record_id)
        columns["prs_FirstName"].append(person.first_name)
        columns["prs_SecondName"].append(person.second_name)
        columns["prs_Birthdate"].append(person.birth_date.isoformat() if person.birth_date else None)
        columns["prs_Gender"].append(person.gender)
        columns["prs_Citizenship"].append(";".join(person.citizenships or []) or None)
        columns["prs_IdentityNumber"].append(person.identity_number)
    return pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()}), pk_of


def decisions_for(pk_of: dict[str, int]) -> list[Decision]:
    """The standing decisions between persons of this run, as the engine takes them."""
    record_of = {pk: record_id for record_id, pk in pk_of.items()}
    found = []
    for a, b, verdict in PairDecision.objects.values_list("person_a_id", "person_b_id", "verdict").iterator():
        if a in record_of and b in record_of:
            found.append(
                Decision(record_of[a], record_of[b], "confirm" if verdict == Verdict.CONFIRM else "reject")
            )
    return found


_MEMBERS_SQL = """
WITH multi AS (
    SELECT unique_id, cluster_id FROM clusters
    WHERE cluster_id IN (SELECT cluster_id FROM clusters GROUP BY cluster_id HAVING count(*) > 1)
), inside AS (
    SELECT s.l, s.r, s.p FROM scored s
    JOIN clusters cl ON cl.unique_id = s.l JOIN clusters cr ON cr.unique_id = s.r
    WHERE cl.cluster_id = cr.cluster_id
), best AS (
    SELECT id, max(p) AS p FROM (SELECT l AS id, p FROM inside UNION ALL SELECT r AS id, p FROM inside)
    GROUP BY id
)
SELECT m.unique_id, m.cluster_id, coalesce(b.p, 1.0) FROM multi m LEFT JOIN best b ON b.id = m.unique_id
"""


def dedup_outcome(run: LinkageRun, step: Step) -> RunOutcome:
    """Run the engine over the run's scope; clusters and review pairs by person primary key."""
    from pharos.linkage.engine.dedup import deduplicate

    step("decrypting")
    table, pk_of = person_table(run)
    empty = RunOutcome(
        records=len(pk_of),
        pairs_scored=0,
        clusters=len(pk_of),
        merged=0,
        members=(),
        review=(),
        decisions_applied=0,
    )
    if len(pk_of) < 2:
        return empty
    decisions = decisions_for(pk_of)
    con = duckdb.connect()
    try:
        # An in-memory DuckDB may spill to a temporary folder under memory pressure: not here.
        con.execute("SET temp_directory = ''")
        step("linking")
        result = deduplicate(
            table, None, tuning=tuning_of(run), decisions=decisions, use_context=False, con=con
        )
        members = [
            (pk_of[record_id], str(cluster_id), float(probability))
            for record_id, cluster_id, probability in con.execute(_MEMBERS_SQL).fetchall()
        ]
    finally:
        con.close()
    del table
    review = []
    for left, right, probability in result.review:
        a, b = sorted((pk_of[left], pk_of[right]))
        review.append((a, b, round(probability, 6)))
    return RunOutcome(
        records=result.records,
        pairs_scored=result.scored_pairs,
        clusters=result.clusters,
        merged=result.merged_records,
        members=members,
        review=review,
        decisions_applied=len(decisions),
    )


def link_project(
    project: LinkageProject, step: Step
) -> tuple[dict[str, int], dict[str, tuple[bytes, dict[str, Any]]]]:
    """Link the uploaded encodings; the totals, and per source its ZIP and its own counts."""
    from pharos.linkage.engine.pprl import link

    participants = list(project.participants.select_related("encodings"))
    with tempfile.TemporaryDirectory(prefix="pharos-pprl-") as folder:
        # Encodings only (no identifier in clear, checked at upload): the engine reads files.
        paths = []
        for participant in participants:
            assert participant.encodings is not None
            path = Path(folder) / f"{participant.source}.parquet"
            path.write_bytes(files.attachment_read(participant.encodings))
            paths.append(path)
        step("linking")
        out = Path(folder) / "results"
        result = link(paths, None, per_source=out)
        totals = {
            "records": result.records,
            "persons": result.persons,
            "records_merged": result.merged_records,
            "participants": len(result.by_source),
        }
        results: dict[str, tuple[bytes, dict[str, Any]]] = {}
        for participant in participants:
            source = participant.source
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for name in (f"{source}.csv", f"{source}.totals.json"):
                    if (out / name).is_file():
                        archive.writestr(name, (out / name).read_bytes())
            counts = (
                json.loads((out / f"{source}.totals.json").read_text())
                if (out / f"{source}.totals.json").is_file()
                else {}
            )
            counts.pop("totals", None)
            results[source] = (buffer.getvalue(), counts)
    return totals, results
