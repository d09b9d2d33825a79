"""`pharos pprl`: encodings that reveal nothing in clear, linkage on them, and the attack."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pharos.linkage.engine import bloom, names, pprl
from pharos.linkage.engine.attack import frequency_attack
from pharos.linkage.tests.conftest import Generated, pair_scores

SECRET = b"0123456789abcdef0123456789abcdef-test-only"


@pytest.fixture(scope="module")
def encoded(generated: Generated, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The generated records split between two participants, each encoded with the secret."""
    folder = tmp_path_factory.mktemp("pprl")
    key = folder / "KEY"
    key.write_bytes(SECRET)
    rows = generated.rows()
    paths = {}
    for name, part in (("police", rows[::2]), ("shelter", rows[1::2])):
        source = folder / f"{name}.csv"
        with source.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(part)
        paths[name] = folder / f"{name}.parquet"
        call_command(
            "pprl", "encode", str(source), "--secret-file", str(key), "--out", str(paths[name]), "--quiet"
        )
    return paths


def test_no_identifier_leaves_in_clear(generated: Generated, encoded: dict[str, Path]) -> None:
    rows = generated.rows()
    clear: set[str] = set()
    for row in rows:
        for column in ("prs_FirstName", "prs_SecondName", "prs_Birthdate", "vic_AgeAtIdentification"):
            if row[column]:
                clear.add(row[column])
        for name in (row["prs_FirstName"], row["prs_SecondName"]):
            folded, key = names.forms(name)
            clear.update(v for v in (folded, key) if len(v) >= 3)
    for path in encoded.values():
        table = pq.read_table(path)
        text_columns = [f.name for f in table.schema if str(f.type) in ("string", "large_string")]
        assert text_columns == ["source", "record_id"]
        raw_meta = table.schema.metadata[pprl.META_KEY]
        data = path.read_bytes().replace(raw_meta, b"")  # the parameters' own words ("balance"…)
        leaked = [value for value in clear if len(value) >= 4 and value.encode() in data]
        assert leaked == []
        meta = json.loads(raw_meta)
        assert set(meta) == {"schema", "check", "hardening", "name", "date", "context", "extra"}
        for column in ("gender_h", "coe_h", "age_h"):
            values = set(table.column(column).to_pylist()) - {None}
            assert all(abs(v) > 10**6 for v in values)  # keyed 64-bit hashes, not codes or ages


def test_name_filters_are_balanced_and_noisy(encoded: dict[str, Path]) -> None:
    table = pq.read_table(encoded["police"])
    pops = np.array(table.column("fn_pop").to_pylist())
    present = pops[pops > 0]
    width = 2 * bloom.NAME.bits
    assert abs(present.mean() / width - 0.5) < 0.02  # balanced: half the bits, whatever the name


def test_linking_two_participants_finds_their_shared_persons(
    generated: Generated, encoded: dict[str, Path], tmp_path: Path
) -> None:
    out, split = tmp_path / "clusters.csv", tmp_path / "each"
    call_command(
        "pprl", "link", str(encoded["police"]), str(encoded["shelter"]), "--out", str(out),
        "--per-participant", str(split), "--quiet",
    )  # fmt: skip
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["source", "record_id", "cluster_id"]
        linked = list(reader)
    person_of = generated.person_of()
    assert sorted(r["record_id"] for r in linked) == sorted(person_of)
    precision, recall = pair_scores({r["record_id"]: r["cluster_id"] for r in linked}, person_of)
    assert precision > 0.9, precision
    assert recall > 0.6, recall

    own = {p: {r["record_id"] for r in linked if r["source"] == p} for p in ("police", "shelter")}
    person_ids: dict[str, set[str]] = {}
    for participant in ("police", "shelter"):
        with (split / f"{participant}.csv").open(encoding="utf-8", newline="") as handle:
            mine = list(csv.DictReader(handle))
        assert {r["record_id"] for r in mine} == own[participant]  # only its own records
        assert {r["also_known_elsewhere"] for r in mine} == {"yes", "no"}
        person_ids[participant] = {r["person"] for r in mine}
        totals = json.loads((split / f"{participant}.totals.json").read_text())
        assert totals["totals"]["records"] == len(person_of)
    assert not person_ids["police"] & person_ids["shelter"]  # ids cannot be matched across files


def test_encodings_made_with_another_secret_are_refused(
    generated: Generated, encoded: dict[str, Path], tmp_path: Path
) -> None:
    other = tmp_path / "OTHER"
    other.write_bytes(b"another secret of at least 32 bytes, for the test")
    stranger = tmp_path / "stranger.parquet"
    call_command("pprl", "encode", str(generated.records), "--secret-file", str(other), "--out", str(stranger),
                 "--source", "stranger", "--quiet")  # fmt: skip
    with pytest.raises(CommandError, match="another secret"):
        call_command(
            "pprl", "link", str(encoded["police"]), str(stranger), "--out", str(tmp_path / "x.csv"), "--quiet"
        )


def test_a_short_secret_is_refused(generated: Generated, tmp_path: Path) -> None:
    key = tmp_path / "KEY"
    key.write_text("password\n")
    with pytest.raises(CommandError, match="too short"):
        call_command(
            "pprl", "encode", str(generated.records), "--secret-file", str(key), "--out", str(tmp_path / "e")
        )


def test_a_new_secret_is_private_and_never_overwritten(tmp_path: Path) -> None:
    key = tmp_path / "KEY"
    call_command("pprl", "secret", "--out", str(key))
    assert key.stat().st_mode & 0o077 == 0
    assert len(pprl.read_secret(key)) == 64
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("pprl", "secret", "--out", str(key))


def _zipf_people(path: Path, count: int, seed: int) -> None:
    """Records whose first names follow a Zipf law, as real name frequencies do."""
    rng = np.random.default_rng(seed)
    pool = [
        f"{a}{b}" for a in ("Ana", "Ion", "Ela", "Mir", "Dan", "Ola") for b in ("na", "ko", "ra", "el", "ia")
    ]
    weights = 1 / np.arange(1, len(pool) + 1)
    picks = rng.choice(len(pool), size=count, p=weights / weights.sum())
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["record_id", "prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_Gender", "prs_Citizenship"]
        )
        for i, pick in enumerate(picks):
            writer.writerow(
                [f"r{i}", pool[pick], f"Family{i % 97}", f"{1960 + i % 45}-0{1 + i % 9}-1{i % 9}", "F", "MD"]
            )


def test_hardening_defeats_the_frequency_attack(tmp_path: Path) -> None:
    _zipf_people(tmp_path / "people.csv", 3000, 1)
    _zipf_people(tmp_path / "public.csv", 3000, 2)  # the adversary's name list: another sample
    with (tmp_path / "public.csv").open(encoding="utf-8") as handle:
        name_list = Counter(names.fold(r["prs_FirstName"]) for r in csv.DictReader(handle))
    rates = {}
    for label, hardening in (("plain", bloom.UNHARDENED), ("hardened", bloom.Hardening())):
        out = tmp_path / f"{label}.parquet"
        pprl.encode(tmp_path / "people.csv", SECRET, out, source_name="x", hardening=hardening, seed=1)
        table = pq.read_table(out)
        columns = [c for c in table.column_names if c.startswith("fn_") and c != "fn_pop"]
        words = np.stack([table.column(c).to_numpy() for c in columns], axis=1)
        with (tmp_path / "people.csv").open(encoding="utf-8") as handle:
            truth_by_id = {r["record_id"]: names.fold(r["prs_FirstName"]) for r in csv.DictReader(handle)}
        rates[label] = frequency_attack(
            words, [truth_by_id[r] for r in table.column("record_id").to_pylist()], name_list
        )
    assert rates["plain"] > 0.3, rates  # equal names give equal filters: the ranks line up
    assert rates["hardened"] < 0.01, rates


def test_identity_number_and_address_are_encoded_not_clear(tmp_path: Path) -> None:
    """The optional HTCDS fields leave only as filters and keyed hashes, and they link."""
    header = "record_id,prs_FirstName,prs_SecondName,prs_Birthdate,prs_Gender,prs_Citizenship,prs_IdentityNumber,prs_MailingStreet,prs_MailingCity,prs_MailingPostalCode\n"
    one = tmp_path / "one.csv"
    two = tmp_path / "two.csv"
    one.write_text(
        header + "a1,Maria,Popescu,1990-03-04,F,RO,AB1234567,12 Strada Florilor,Bucuresti,010101\n",
        encoding="utf-8",
    )
    # Another spelling of both names, no date of birth: the document number says who it is.
    two.write_text(
        header + "b1,Mariia,Popesku,,F,RO,AB1234567,12 Strada Florilor,Bucuresti,010101\n", encoding="utf-8"
    )
    secret = b"s" * 40
    for path in (one, two):
        pprl.encode(path, secret, path.with_suffix(".parquet"), source_name=path.stem)
        data = path.with_suffix(".parquet").read_bytes()
        for value in (b"AB1234567", b"Florilor", b"florilor", b"Bucuresti", b"bucuresti", b"010101"):
            assert value not in data
    meta = json.loads(pq.read_table(one.with_suffix(".parquet")).schema.metadata[pprl.META_KEY])
    assert meta["extra"] == ["idnum", "street", "city", "postcode"]
