"""Import speed benchmark: ``pharos import`` against a plain bulk insert of the same rows.

One command (from the repository root)::

    .venv/bin/python bench/imports/run.py --rows 1000000            # SQLite and PostgreSQL
    .venv/bin/python bench/imports/run.py --rows 100000 --db sqlite  # quicker

What it does, for each database (a fresh SQLite file, and a PostgreSQL database of its own,
``pharos_benchimport`` by default, created and dropped here):

1. ``pharos generate --cases N`` writes N synthetic HTCDS rows (once, shared by both DBs);
2. **baseline**: a fresh database (migrated, code lists and countries loaded, one
   organisation), then the same CSV rows inserted with Django ``bulk_create`` into the same
   tables the import fills (persons with their encrypted names and blind indexes, the
   persons' name keys, victim cases, status decisions), batches of 1000 in one transaction,
   **without validation and without audit entries**;
3. **import**: another fresh database, then ``pharos import FILE --org ORG`` as a user runs
   it (mapping suggested, every row validated, all or nothing, provenance, audit entries,
   a Job row with progress).

Each step runs in its own process so its peak memory (``ru_maxrss``, the process's
resident set high-water mark) is its own. It prints, per database, the two times, their
ratio (goal ≤ 3) and the peak memory of the import process (goal < 1 GiB), and writes a
markdown section to ``bench/imports/results.md``. ``--profile`` runs the import under
cProfile and prints the top functions (the numbers are then slower, do not record them).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PYTHON = sys.executable
ORG = "bench-import"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/pharos_benchimport"
# Fixed test keys: the benchmark's data is synthetic and its databases are dropped at the end.
SETTINGS = os.environ.get("DJANGO_SETTINGS_MODULE", "pharos.settings.test")
GOAL_RATIO = 3.0
GOAL_MEMORY = 1024 * 1024 * 1024


# --- child steps (run as ``run.py _step NAME`` with DATABASE_URL set) ------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pharos.settings.test")
    import django

    django.setup()


def _step_setup() -> dict:
    _django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("reference", "load", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("codelists", "load", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from pharos.tenancy.models import Country, Organisation

    Organisation.objects.create(
        code=ORG, name="Benchmark organisation", country=Country.objects.get(code="MK"), org_type="NGO"
    )
    return {}


def _step_baseline(path: str) -> dict:
    """Django bulk_create of the same rows into the same tables: no validation, no audit."""
    _django()
    import csv
    import datetime

    from django.db import transaction

    from pharos.cases.models import StatusDecision, VictimCase
    from pharos.persons.models import Person, PersonNameKey
    from pharos.privacy import cipher
    from pharos.tenancy.models import Organisation

    org = Organisation.objects.get(code=ORG)
    status = {
        "PossibleVictimOfTrafficking": "PossibleVictim",
        "ActualVictimOfTrafficking": "ActualVictim",
        "NotAVictimOfTrafficking": "NotAVictim",
    }
    gender = {"Feminine": "Feminine", "Masculine": "Masculine"}

    def day(text: str) -> datetime.date | None:
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            return None

    def codes(text: str) -> list[str]:
        return [c for c in text.split(";") if c]

    def age(text: str) -> int | None:
        return int(text) if text.isdigit() else None

    started = time.perf_counter()
    rows = 0
    with transaction.atomic(), open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        while True:
            chunk = [row for _i, row in zip(range(1000), reader, strict=False)]
            if not chunk:
                break
            persons = [
                Person(
                    organisation=org,
                    reference=f"B-{rows + i:08d}",
                    first_name=r["prs_FirstName"] or None,
                    second_name=r["prs_SecondName"] or None,
                    birth_date=day(r["prs_Birthdate"]),
                    gender=gender.get(r["prs_Gender"], "Unknown"),
                    citizenships=codes(r["prs_Citizenship"]),
                )
                for i, r in enumerate(chunk)
            ]
            Person.objects.bulk_create(persons)
            keys = [
                PersonNameKey(person=p, digest=cipher.blind_index(v, context=PersonNameKey.CONTEXT))
                for p in persons
                for v in p.name_variants()
            ]
            PersonNameKey.objects.bulk_create(keys)
            cases = []
            for i, (r, p) in enumerate(zip(chunk, persons, strict=True)):
                registered = datetime.date(int(r["vic_YearOfRegistration"] or 2020), 1, 1)
                cases.append(
                    VictimCase(
                        organisation=org,
                        reference=f"BC-{rows + i:08d}",
                        person=p,
                        trafficking_status=status.get(r["vic_TraffickingStatus"], "PossibleVictim"),
                        status_decision_org_type=r["vic_TraffickingStatusDecisionMakingOrg"] or "Other",
                        status_decided_on=registered,
                        registered_on=registered,
                        country_of_exploitation=r["vic_CountryOfExploitation"][:2],
                        forms_of_exploitation=codes(r["vic_TypeOfExploitation"]),
                        labour_sector=r["vic_ForcedLabourIndustry"][:1],
                        sex_exploitation_types=codes(r["vic_TypeOfSexExploitation"]),
                        means_of_control=codes(r["vic_MethodsOfControl"]),
                        recruitment_methods=codes(r["vic_MethodOfRecruitment"]),
                        recruiter_relationships=codes(r["vic_RecruiterRelationship"]),
                        age_at_recruitment=age(r["vic_AgeAtRecruitment"]),
                        age_at_exploitation=age(r["vic_AgeAtExploitation"]),
                        age_at_identification=age(r["vic_AgeAtIdentification"]),
                        source_org=org,
                        source_row=rows + i + 2,
                        external_id=r["record_id"],
                    )
                )
            VictimCase.objects.bulk_create(cases)
            StatusDecision.objects.bulk_create(
                [
                    StatusDecision(
                        organisation=org,
                        case=c,
                        status=c.trafficking_status,
                        decision_org_type=c.status_decision_org_type,
                        decided_on=c.status_decided_on,
                        source_org=org,
                        source_row=c.source_row,
                    )
                    for c in cases
                ]
            )
            rows += len(chunk)
    return {
        "seconds": time.perf_counter() - started,
        "rows": rows,
        "cases": VictimCase.objects.unscoped("benchmark count").count(),
    }


def _step_import(path: str, profile: bool) -> dict:
    _django()
    import io

    from django.core.management import call_command

    from pharos.audit.models import AuditEvent
    from pharos.cases.models import VictimCase

    out, err = io.StringIO(), io.StringIO()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    code = 0
    try:
        call_command("import", path, "--org", ORG, stdout=out, stderr=err)
    except SystemExit as exc:
        code = int(exc.code or 0)
    seconds = time.perf_counter() - started
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
    return {
        "seconds": seconds,
        "exit": code,
        "summary": out.getvalue().strip().splitlines()[-3:],
        "errors": err.getvalue().strip().splitlines()[-5:],
        "cases": VictimCase.objects.unscoped("benchmark count").count(),
        "audit_rows": AuditEvent.objects.count(),
    }


def _child(argv: list[str]) -> None:
    import resource

    name = argv[0]
    if name == "setup":
        result = _step_setup()
    elif name == "baseline":
        result = _step_baseline(argv[1])
    elif name == "import":
        result = _step_import(argv[1], profile="--profile" in argv)
    else:
        raise SystemExit(f"unknown step {name}")
    result["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    print("RESULT " + json.dumps(result))


# --- the parent: databases, steps, report ------------------------------------------------------------


def _run_step(url: str, *args: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": SETTINGS}
    done = subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), "_step", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if "--profile" in args:
        sys.stderr.write(done.stderr)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise SystemExit(f"step {args[0]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}")


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql)


def _fresh(kind: str, url: str) -> None:
    """An empty database at ``url``, migrated, with code lists, countries and one organisation."""
    if kind == "sqlite":
        file = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{file}{suffix}").unlink(missing_ok=True)
    else:
        name = url.rsplit("/", 1)[1]
        _pg_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _pg_admin(url, f'CREATE DATABASE "{name}"')
    _run_step(url, "setup")


def _drop(kind: str, url: str) -> None:
    if kind == "sqlite":
        file = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{file}{suffix}").unlink(missing_ok=True)
    else:
        _pg_admin(url, f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def _mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--profile", action="store_true", help="cProfile the import (slower).")
    parser.add_argument("--no-baseline", action="store_true", help="Only time the import.")
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pharos-bench-import-") as folder:
        data = Path(folder) / "cases.csv"
        started = time.perf_counter()
        subprocess.run(
            [
                PYTHON,
                "-m",
                "pharos",
                "generate",
                "--cases",
                str(args.rows),
                "--seed",
                str(args.seed),
                "--out",
                str(data),
                "--quiet",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": SETTINGS,
                "PYTHONPATH": os.pathsep.join(
                    filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])
                ),
            },
            check=True,
            capture_output=True,
        )
        print(
            f"generated {args.rows:,} rows ({_mib(data.stat().st_size)}) in {time.perf_counter() - started:.0f} s"
        )
        kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
        results = {}
        for kind in kinds:
            url = f"sqlite:///{folder}/bench.sqlite3" if kind == "sqlite" else args.pg_url
            base: dict = {}
            if not args.no_baseline:
                _fresh(kind, url)
                base = _run_step(url, "baseline", str(data))
                print(f"{kind}: baseline bulk_create {base['seconds']:.1f} s, peak {_mib(base['peak_rss'])}")
            _fresh(kind, url)
            steps = ["import", str(data)] + (["--profile"] if args.profile else [])
            imp = _run_step(url, *steps)
            _drop(kind, url)
            ratio = imp["seconds"] / base["seconds"] if base else float("nan")
            print(
                f"{kind}: import {imp['seconds']:.1f} s (exit {imp['exit']}, {imp['cases']:,} cases, "
                f"{imp['audit_rows']:,} audit rows), ratio {ratio:.2f} (goal <= {GOAL_RATIO}), "
                f"peak {_mib(imp['peak_rss'])} (goal < 1 GiB)"
            )
            for line in imp["summary"] + imp["errors"]:
                print("   ", line)
            results[kind] = {"baseline": base, "import": imp, "ratio": ratio}
    _write(args, results)


def _write(args: argparse.Namespace, results: dict) -> None:
    lines = [
        f"### {args.rows:,} rows, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average at the end {os.getloadavg()[0]:.1f}.",
        "",
        "| database | baseline bulk_create | pharos import | ratio (goal ≤ 3) | import peak RSS (goal < 1 GiB) "
        "| baseline peak RSS | cases | audit rows |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, r in results.items():
        base, imp = r["baseline"], r["import"]
        lines.append(
            f"| {kind} | {base.get('seconds', float('nan')):.1f} s | {imp['seconds']:.1f} s | {r['ratio']:.2f} "
            f"| {_mib(imp['peak_rss'])} | {_mib(base.get('peak_rss', 0))} | {imp['cases']:,} | {imp['audit_rows']:,} |"
        )
    text = "\n".join(lines) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print()
    print(text)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_step":
        _child(sys.argv[2:])
    else:
        main()
