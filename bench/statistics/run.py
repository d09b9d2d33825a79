"""Standard tables and the dashboard over one million victim cases, against plain DuckDB SQL.

    .venv/bin/python bench/statistics/run.py [--cases 1000000] [--runs 3] [--users 20] [--requests 15]

Needs PostgreSQL (``DATABASE_URL``, default a database of its own:
``postgres://postgres@127.0.0.1:5432/pharos_statistics_bench``; created and migrated on first use).

1. **Load** (not timed against anything): a fast loader writes persons and victim cases with
   ``COPY`` (codes drawn with numpy from the code lists' codes; about 10 % of persons have two
   cases, so counting persons once matters; personal fields stay empty), two organisations
   (North Macedonia, Albania) and a few suspects/proceedings.
2. **Tables**: ``build_standard_tables`` (extract from PostgreSQL into Arrow, then DuckDB),
   median of ``--runs``, against the **baseline**: the same tables written directly as DuckDB
   SQL over an Arrow copy of the same rows already in memory (the copy is made before timing).
   Goal: Pharos / baseline <= 2.
3. **Dashboard**: ``--processes`` waitress processes (default 2, one per core, ``--threads`` 8
   each) serve Pharos on one listening socket on 127.0.0.1, with the database cache of
   production (``bench_settings.py``) so they share the computed tables as production's
   processes do; the first computation is made (and timed) before they start. ``--users``
   client threads in this process, each signed in as a regional statistician (memberships in
   both countries, so suppression applies), request the dashboard ``--requests`` times each
   with varied filters and no pause, after warm-up requests that let every process read each
   filter's figures once. Goal: p95 < 300 ms.
"""

# SQL here is built from constants of this file, never from input.
# ruff: noqa: S608
from __future__ import annotations

import argparse
import http.client
import io
import os
import socket
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT / "src"), str(HERE)]
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pharos_statistics_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")

FORMS = [
    "SexualExploitation",
    "ForcedLabour",
    "ForcedBegging",
    "CriminalActivities",
    "ForcedMarriage",
    "Other",
]
CITIZENSHIPS = ["MK", "AL", "XK", "RS", "BG", "GR", "DE", "IT", "UA", "NG", "CN", "PK", "TR", "RO"]
GENDERS = ["Feminine", "Masculine", "NonSpecifiedUnknown", "TransgenderFeminine"]
STATUSES = ["ActualVictim", "PossibleVictim", "NotAVictim"]
# Not-null columns the loader leaves empty (other modules may add more: see the COPY error).
EMPTY = {
    "identified_by_name": "",
    "country_of_exploitation": "",
    "labour_sector": "",
    "sex_exploitation_types": "[]",
    "means_of_control": "[]",
    "recruitment_methods": "[]",
    "recruiter_relationships": "[]",
    "source_file_sha256": "",
    "external_id": "",
    "closure_reason": "",
    "state": "open",
}
EMPTY_COLUMNS = ", ".join(EMPTY)
EMPTY_ROW = "\t".join(EMPTY.values())
ORG_TYPES = ["Police", "NGO", "CourtOrProsecution", "NonPoliceGovernmentalOrganization", "Other", ""]


def ensure_database() -> None:
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as con:
        if not con.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            con.execute(f'CREATE DATABASE "{name}"')


def setup_world() -> tuple[Any, Any, Any]:
    from django.core.management import call_command

    from pharos import testing
    from pharos.accounts.models import User
    from pharos.tenancy.actions import reference_data_load
    from pharos.tenancy.models import Membership, Organisation

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    reference_data_load()
    testing.codelists()
    orgs = []
    for code, country in (("bench-mk", "MK"), ("bench-al", "AL")):
        org = Organisation.objects.filter(code=code).first() or testing.organisation(
            code, country_code=country
        )
        orgs.append(org)
    user = User.objects.filter(email="statistician@bench.example.org").first()
    if user is None:
        user = User.objects.create_user("statistician@bench.example.org", testing.PASSWORD)
    for org in orgs:
        Membership.objects.get_or_create(user=user, organisation=org, role="statistician")
    return orgs[0], orgs[1], user


def load_cases(orgs: list[Any], cases: int, seed: int) -> None:
    """COPY persons and victim cases (and a few justice records) unless already there."""
    import json
    import uuid

    import numpy as np
    from django.db import connection

    from pharos.cases.models import VictimCase

    if VictimCase.objects.unscoped("bench").count() == cases:
        return
    rng = np.random.default_rng(seed)
    persons = int(cases / 1.1)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE cases_victimcase, persons_person RESTART IDENTITY CASCADE")
    org_of_person = rng.integers(0, 2, persons)
    gender = rng.choice(GENDERS, persons, p=[0.6, 0.35, 0.04, 0.01])
    cit_a = rng.choice(CITIZENSHIPS, persons)
    dual = rng.random(persons) < 0.05
    cit_b = rng.choice(CITIZENSHIPS, persons)
    no_cit = rng.random(persons) < 0.03
    t0 = time.perf_counter()
    buffer = io.StringIO()
    for i in range(persons):
        cits = [] if no_cit[i] else ([cit_a[i], cit_b[i]] if dual[i] and cit_a[i] != cit_b[i] else [cit_a[i]])
        org = orgs[org_of_person[i]]
        buffer.write(
            f"{i + 1}\t{uuid.uuid4()}\tB-{i + 1}\t{gender[i]}\t{json.dumps(cits)}\t{org.pk}\t2026-01-01 00:00:00+00\t"
            "2026-01-01 00:00:00+00\t\t\n"
        )
    buffer.seek(0)
    raw = connection.connection
    with (
        raw.cursor() as cur,
        cur.copy(
            "COPY persons_person (id, public_id, reference, gender, citizenships, organisation_id, created_at, "
            "updated_at, name_index, identity_index) FROM STDIN"
        ) as copy,
    ):
        copy.write(buffer.getvalue())
    person_of_case = np.concatenate([np.arange(persons), rng.integers(0, persons, cases - persons)])
    years = rng.integers(2018, 2026, cases)
    months = rng.integers(1, 13, cases)
    status = rng.choice(STATUSES, cases, p=[0.55, 0.4, 0.05])
    ages = rng.integers(5, 60, cases)
    no_age = rng.random(cases) < 0.08
    org_type = rng.choice(ORG_TYPES, cases)
    n_forms = rng.choice([0, 1, 1, 1, 2], cases)
    buffer = io.StringIO()
    for i in range(cases):
        p = int(person_of_case[i])
        forms = list(dict.fromkeys(rng.choice(FORMS, n_forms[i]).tolist())) if n_forms[i] else []
        org = orgs[org_of_person[p]]
        age = "\\N" if no_age[i] else str(ages[i])
        buffer.write(
            f"{i + 1}\t{uuid.uuid4()}\tC-{i + 1}\t{p + 1}\t{status[i]}\t{org_type[i]}\t"
            f"{years[i]}-{months[i]:02d}-15\t{age}\t{json.dumps(forms)}\t{org.pk}\t"
            "2026-01-01 00:00:00+00\t2026-01-01 00:00:00+00\t" + EMPTY_ROW + "\n"
        )
    buffer.seek(0)
    columns = (
        "id, public_id, reference, person_id, trafficking_status, status_decision_org_type, registered_on, "
        "age_at_identification, forms_of_exploitation, organisation_id, created_at, updated_at, "
        + EMPTY_COLUMNS
    )
    with raw.cursor() as cur:
        with cur.copy(f"COPY cases_victimcase ({columns}) FROM STDIN") as copy:
            copy.write(buffer.getvalue())
        cur.execute("SELECT setval(pg_get_serial_sequence('persons_person', 'id'), %s)", [persons])
        cur.execute("SELECT setval(pg_get_serial_sequence('cases_victimcase', 'id'), %s)", [cases])
        cur.execute("ANALYZE")
    raw.commit()
    print(f"loaded {persons:,} persons and {cases:,} cases in {time.perf_counter() - t0:.1f} s")


# --- the baseline: the same tables as plain DuckDB SQL over an Arrow copy ---------------------

BASELINE = """
CREATE OR REPLACE TEMP TABLE b_py AS
SELECT *, CASE WHEN age IS NULL THEN 'UNK' WHEN age < 18 THEN 'Y_LT18' ELSE 'Y_GE18' END AS age_group,
       CASE WHEN len(cits) = 0 THEN 'UNK' WHEN list_contains(cits, country) THEN 'NAT'
            WHEN list_has_any(cits, {eu}) THEN 'EU27_2020_FOR' ELSE 'NEU27_2020_FOR' END AS cit_group
FROM (
  SELECT unit, country, CAST(year AS VARCHAR) AS year,
         CASE WHEN bool_or(status = 'ActualVictim') THEN 'identified' ELSE 'presumed' END AS status,
         coalesce(max(CASE gender WHEN 'Feminine' THEN 'F' WHEN 'Masculine' THEN 'M' END), 'UNK') AS sex,
         arg_min(age, registered_on) FILTER (WHERE age IS NOT NULL) AS age,
         list_distinct(flatten(list(coalesce(from_json(citizenships, '["VARCHAR"]'), []::VARCHAR[])))) AS cits,
         list_distinct(flatten(list(coalesce(from_json(forms, '["VARCHAR"]'), []::VARCHAR[])))) AS forms,
         list_distinct(list(nullif(org_type, ''))) AS org_types
  FROM cases WHERE status IN ('ActualVictim', 'PossibleVictim')
  GROUP BY unit, country, year
)
"""
FORM_CASE = (
    "CASE f WHEN 'SexualExploitation' THEN 'sexual' WHEN 'ForcedLabour' THEN 'labour' "
    "WHEN 'ChildLabour' THEN 'labour' WHEN 'UNK' THEN 'UNK' ELSE 'other' END"
)
CUBES = [
    ("SELECT unit, country, year, status FROM b_py", ["country", "year", "status"], None),
    ("SELECT unit, country, year, sex, age_group FROM b_py", ["country", "year", "sex", "age_group"], None),
    ("SELECT unit, country, year, cit_group FROM b_py", ["country", "year", "cit_group"], None),
    (
        "SELECT unit, country, year, unnest(CASE WHEN len(cits) = 0 THEN ['UNK'] ELSE cits END) AS c FROM b_py",
        ["country", "year", "c"],
        "c",
    ),
    (
        f"SELECT unit, country, year, {FORM_CASE} AS form FROM (SELECT unit, country, year, "
        "unnest(CASE WHEN len(forms) = 0 THEN ['UNK'] ELSE forms END) AS f FROM b_py)",
        ["country", "year", "form"],
        "form",
    ),
    (
        "SELECT unit, country, year, unnest(CASE WHEN len(forms) = 0 THEN ['UNK'] ELSE forms END) AS f FROM b_py",
        ["country", "year", "f"],
        "f",
    ),
    (
        "SELECT unit, country, year, unnest(CASE WHEN len(org_types) = 0 THEN ['UNK'] ELSE org_types END) AS o "
        "FROM b_py",
        ["country", "year", "o"],
        "o",
    ),
]


def baseline(arrow_cases: Any) -> float:
    import duckdb

    from pharos.exports.formats import EU27

    t0 = time.perf_counter()
    with duckdb.connect(":memory:") as con:
        con.register("cases", arrow_cases)
        con.execute(BASELINE.format(eu="[" + ", ".join(f"'{c}'" for c in sorted(EU27)) + "]"))
        for source, dims, multi in CUBES:
            known = f", count(DISTINCT unit) FILTER (WHERE {multi} <> 'UNK')" if multi else ""
            con.execute(
                f"SELECT {', '.join(dims)}, count(DISTINCT unit){known} FROM ({source}) GROUP BY CUBE ({', '.join(dims)})"
            ).fetchall()
    return time.perf_counter() - t0


def bench_tables(runs: int) -> tuple[float, float]:
    from pharos.statistics import extract
    from pharos.statistics.queries import system_scope
    from pharos.statistics.tables import build_standard_tables

    scope = system_scope("benchmark")
    copy = extract.victims(scope)  # the Arrow copy the baseline reads (made before timing)
    pharos_times, base_times = [], []
    for run in range(runs):
        t0 = time.perf_counter()
        tables = build_standard_tables(scope)
        pharos_times.append(time.perf_counter() - t0)
        base_times.append(baseline(copy))
        print(
            f"run {run + 1}: pharos {pharos_times[-1]:.2f} s ({len(tables)} tables), baseline {base_times[-1]:.2f} s"
        )
    return statistics.median(pharos_times), statistics.median(base_times)


def session_cookie(user: Any) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def serve(fd: int, threads: int) -> None:
    """A server process of the benchmark: waitress on the listening socket the parent opened."""
    import django

    django.setup()
    import logging

    from waitress.server import create_server

    from pharos.wsgi import application

    # waitress logs every queued request at WARNING: with 20 users that is the whole output.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    listener = socket.socket(fileno=fd)
    create_server(application, sockets=[listener], threads=threads, expose_tracebacks=False).run()


def bench_dashboard(user: Any, users: int, requests: int, processes: int, threads: int) -> list[float]:
    import subprocess

    from pharos.statistics import queries, service
    from pharos.tenancy.access import resolve_acting, set_acting

    # The first page view would compute the tables (timed and printed) and put them in the
    # shared database cache; the server processes below read them from there, as a freshly
    # started production server would after another process computed them.
    set_acting(user, resolve_acting(user, None))
    t0 = time.perf_counter()
    scope = queries.scope_for(user)
    assert scope is not None, "the statistician needs stats.view"
    service.tables_for(scope)
    print(
        f"first computation for the statistician's scope (tables + suppression): {time.perf_counter() - t0:.1f} s"
    )
    listener = socket.create_server(("127.0.0.1", 0), backlog=1024)
    port = listener.getsockname()[1]
    servers = [
        subprocess.Popen(
            [sys.executable, __file__, "--serve-fd", str(listener.fileno()), "--threads", str(threads)],
            pass_fds=[listener.fileno()],
            env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(HERE)])},
        )
        for _ in range(processes)
    ]
    cookie = session_cookie(user)
    paths = [
        "/statistics/",
        "/statistics/?year=2024",
        "/statistics/?sex=F",
        "/statistics/?form=labour&year=2023",
    ]

    def get(path: str) -> tuple[int, float]:
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        t0 = time.perf_counter()
        con.request("GET", path, headers={"Cookie": cookie, "Host": "localhost"})
        response = con.getresponse()
        response.read()
        con.close()
        return response.status, time.perf_counter() - t0

    try:
        # Warm-up: every process reads each filter's figures once (the first view of a filter
        # renders and caches them); which process answers is up to the kernel, so ask several times.
        for round_ in range(3 * processes):
            for path in paths:
                status, took = get(path)
                if round_ == 0:
                    print(f"warm-up {path}: HTTP {status} in {took:.2f} s")
                if status != 200:
                    raise SystemExit(f"dashboard answered {status}")
        latencies: list[float] = []
        lock = threading.Lock()

        def user_loop(n: int) -> None:
            for i in range(requests):
                status, took = get(paths[(n + i) % len(paths)])
                with lock:
                    latencies.append(took if status == 200 else float("inf"))

        workers = [threading.Thread(target=user_loop, args=(n,)) for n in range(users)]
        t0 = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        wall = time.perf_counter() - t0
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait()
        listener.close()
    print(
        f"{len(latencies)} requests in {wall:.1f} s ({len(latencies) / wall:.1f} req/s), "
        f"{processes} server processes x {threads} threads"
    )
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--processes", type=int, default=2, help="Server processes (one per core).")
    parser.add_argument("--threads", type=int, default=8, help="Threads per server process.")
    parser.add_argument("--serve-fd", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fd is not None:
        serve(args.serve_fd, args.threads)
        return
    ensure_database()
    import django

    django.setup()
    org_mk, org_al, user = setup_world()
    load_cases([org_mk, org_al], args.cases, args.seed)
    pharos_s, base_s = bench_tables(args.runs)
    print(
        f"standard tables over {args.cases:,} cases: pharos {pharos_s:.2f} s, DuckDB SQL baseline {base_s:.2f} s, "
        f"ratio {pharos_s / base_s:.2f} (goal <= 2)"
    )
    latencies = sorted(bench_dashboard(user, args.users, args.requests, args.processes, args.threads))
    p50 = latencies[len(latencies) // 2]
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(
        f"dashboard, {args.users} concurrent users: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms (goal < 300 ms)"
    )


if __name__ == "__main__":
    main()
