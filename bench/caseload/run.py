"""Caseload speed benchmark (issue 4, "Speed"): the caseload list, a search and a case page
under 20 concurrent users, at a thousand cases and at a million, in one run.

One command (from the repository root)::

    .venv/bin/python bench/caseload/run.py --cases 1000000
    .venv/bin/python bench/caseload/run.py --cases 20000 --duration 20     # while developing

What it does:

1. creates its own PostgreSQL database (``pharos_benchcaseload``; dropped at the end unless
   ``--keep``), migrates it, loads the code lists, four organisations and 20 case workers
   (five per organisation, each with a TOTP authenticator, as their role requires);
2. loads the **baseline** (``--baseline``, 1,000 cases): persons drawn by the synthetic
   generator (``pharos.standards.generator``: names, birth dates, statuses, forms of
   exploitation as ``pharos generate`` writes them), encrypted by the model fields
   themselves (``get_db_prep_save``: AES-GCM bound to the column), name blind indexes and
   name keys computed by ``BlindIndexField`` and ``cipher.blind_index``, victim cases
   spread evenly over the organisations and workers, each worker holding 50 active cases
   (their latest; a tenth waiting for closure approval) and the rest closed, one open task
   per active case (a third overdue); rows go in with ``COPY`` from two processes;
3. serves the app with waitress (8 threads, as ``pharos demo``) under production settings
   (``caseload_settings.py``: DEBUG off; only the HTTPS-only parts are off), signs the 20
   workers in through the real sign-in form and TOTP step, and drives them for
   ``--duration`` seconds: each user in turn asks for their caseload, a search by case
   reference, a search by a person's full name (blind index), and a case page, waiting
   ``--think`` seconds (exponential, mean) between requests;
4. loads the rest of the cases (up to ``--cases``), ANALYZEs, and drives the same users again;
5. prints p50/p95/p99 per page at both sizes, the ratio of the p95s, and the goals
   (p95 < 200 ms at the large size, ratio < 1.5); writes ``bench/caseload/results.md``.

Every page keeps its audit rows (one per case listed, one per case viewed): they are part
of the cost. ``--pages cases`` measures the case list of ``pharos.cases`` instead of the
caseload of ``pharos.casework``.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import http.client
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PYTHON = sys.executable
DB_NAME = "pharos_benchcaseload"
SERVER_DB = "postgres://postgres@127.0.0.1:5432/postgres"
PASSWORD = "caseload benchmark password 42"  # noqa: S105 - bench-only users of a dropped database
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - the test TOTP secret (pharos.testing)
ORGS = 4
WORKERS_PER_ORG = 5
ACTIVE_PER_WORKER = 50  # open cases a worker holds, at any size (the rest of their cases are closed)
BLOCK = 20_000
GOAL_P95_MS = 200.0
GOAL_RATIO = 1.5
# The pages of each URL set; {case} is a case's public id, {q} a search text.
PAGES: dict[str, dict[str, str]] = {
    "casework": {
        "caseload": "/casework/",
        "search reference": "/casework/?scope=organisation&state=all&q={q}",
        "search name": "/casework/?scope=organisation&state=all&q={q}",
        "case page": "/casework/cases/{case}/",
    },
    "cases": {
        "caseload": "/cases/",
        "search reference": "/cases/?q={q}",
        "search name": "/cases/?q={q}",
        "case page": "/cases/{case}/",
    },
}


def _env(db: str) -> dict[str, str]:
    env = {
        **os.environ,
        "BENCH_DB": db,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
        "DJANGO_SETTINGS_MODULE": "caseload_settings",
        "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT / "src")]),
        # Fixed keys: the data is synthetic and the database is dropped at the end.
        "SECRET_KEY": "caseload-benchmark-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "PHAROS_FIELD_KEYS": "b1:" + base64.urlsafe_b64encode(b"\x11" * 32).decode(),
        "PHAROS_BLIND_INDEX_KEY": base64.urlsafe_b64encode(b"\x22" * 32).decode(),
        "DATABASE_CONN_MAX_AGE": "60",
        # Twenty users sign in from one address within a minute: above the production lock-out.
        "PHAROS_LOGIN_LOCKOUT": "1000/15m/key,1000/15m/ip",
    }
    return env


def _django() -> None:
    os.environ.update(_env(os.environ.get("BENCH_DB", DB_NAME)))
    sys.path[:0] = [str(HERE), str(ROOT / "src")]
    import django

    django.setup()


# --- database ---------------------------------------------------------------------------------------


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(SERVER_DB, autocommit=True) as conn:
        conn.execute(sql)


def create_database(db: str) -> None:
    _admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    _admin(f"CREATE DATABASE {db}")


def drop_database(db: str) -> None:
    _admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def _step(db: str, name: str, *args: str) -> dict[str, Any]:
    """Run one step in a fresh process (its own Django, its own connections) and read its JSON."""
    out = subprocess.run(
        [PYTHON, str(Path(__file__)), "_step", name, *args],
        env=_env(db),
        check=True,
        capture_output=True,
        text=True,
    )
    if out.stderr.strip():
        sys.stderr.write(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def step_setup() -> dict[str, Any]:
    """Schema, code lists, organisations, the case workers (with TOTP), the cache table."""
    _django()
    from django.core.management import call_command

    from pharos.tenancy.models import Country, Membership, Organisation
    from pharos.testing import enrol_totp

    devnull = open(os.devnull, "w")  # noqa: SIM115
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("reference", "load", stdout=devnull)
    call_command("codelists", "load", stdout=devnull)
    from pharos.accounts.models import User

    users = []
    for o in range(ORGS):
        org = Organisation.objects.create(
            code=f"bench{o + 1}",
            name=f"Benchmark organisation {o + 1}",
            country=Country.objects.get(code="MK"),
            org_type="NGO",
        )
        for w in range(WORKERS_PER_ORG):
            user = User.objects.create_user(f"worker{o + 1}-{w + 1}@bench.example.org", PASSWORD)
            Membership.objects.create(user=user, organisation=org, role="case_worker")
            enrol_totp(user, TOTP_SECRET)
            users.append(user.email)
    return {"users": users}


# --- loading ----------------------------------------------------------------------------------------


_STATUS = {
    "PossibleVictimOfTrafficking": "PossibleVictim",
    "ActualVictimOfTrafficking": "ActualVictim",
    "NotAVictimOfTrafficking": "NotAVictim",
}
_GENDER = {"Feminine": "Feminine", "Masculine": "Masculine"}


class _Table:
    """COPY rows of a model: values through each field's own ``get_db_prep_save`` (encryption too)."""

    def __init__(self, model: Any, given: list[str], connection: Any) -> None:
        import uuid

        self.model = model
        self.connection = connection
        fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in fields]
        self.given = given
        self.plan: list[tuple[str, Any, Any]] = []
        now = datetime.datetime.now(datetime.UTC)
        for f in fields:
            if f.attname in given and (
                getattr(f, "encrypted", False) or f.get_internal_type() == "JSONField"
            ):
                # Encrypted and JSON values go through the field itself (the real encryption).
                self.plan.append(("given", f.attname, f))
            elif f.attname in given:
                # Numbers, text and dates: psycopg adapts them as Django would.
                self.plan.append(("raw", f.attname, f))
            elif f.name == "public_id":
                self.plan.append(("call", uuid.uuid4, None))
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.plan.append(("const", now, None))
            elif f.primary_key:
                self.plan.append(("skip", None, None))
            else:
                self.plan.append(("const", f.get_db_prep_save(f.get_default(), connection), None))
        self.columns = [c for c, p in zip(self.columns, self.plan, strict=True) if p[0] != "skip"]
        self.plan = [p for p in self.plan if p[0] != "skip"]

    def rows(self, values: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        out = []
        connection = self.connection
        for v in values:
            row = []
            for kind, what, field in self.plan:
                if kind == "raw":
                    row.append(v[what])
                elif kind == "given":
                    row.append(field.get_db_prep_save(v[what], connection))
                elif kind == "call":
                    row.append(what())
                else:
                    row.append(what)
            out.append(tuple(row))
        return out

    def copy(self, cursor: Any, values: list[dict[str, Any]]) -> None:
        table = self.model._meta.db_table
        columns = ", ".join(f'"{c}"' for c in self.columns)
        with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for row in self.rows(values):
                copy.write_row(row)


def _load_block(args: tuple[int, int, int, int]) -> int:
    """Rows ``first`` .. ``first + count - 1`` (1-based ids), drawn by generator block ``block``."""
    block, first, count, seed = args
    from django.db import connections, transaction

    from pharos.cases.models import VictimCase
    from pharos.casework.models import Task
    from pharos.persons.models import Person, PersonNameKey
    from pharos.privacy import cipher
    from pharos.standards.generator import GeneratorConfig
    from pharos.standards.generator.engine import _COL, generate_block

    meta = json.loads(os.environ["BENCH_META"])
    orgs, workers, total = meta["orgs"], meta["workers"], meta["total"]
    made, _stats = generate_block(GeneratorConfig(cases=count, seed=seed), block, count)
    name_index = Person._meta.get_field("name_index")
    today = datetime.date(2026, 11, 28)
    rng = random.Random(f"bench-caseload:{block}")
    connection = connections["default"]  # the connection itself, not the thread-local proxy
    persons, keys, cases, tasks = [], [], [], []
    # Names repeat (a few dozen per culture): each distinct digest is computed once, the real way.
    digests: dict[tuple[Any, ...], str] = {}

    def name_digest(first_name: str | None, second_name: str | None, born: datetime.date | None) -> str:
        key = ("index", first_name, second_name, born)
        if key not in digests:
            digests[key] = name_index.compute([first_name, second_name, born])  # type: ignore[attr-defined]
        return digests[key]

    def key_digest(variant: str) -> str:
        key = (variant,)
        if key not in digests:
            digests[key] = cipher.blind_index(variant, context=PersonNameKey.CONTEXT)
        return digests[key]

    for offset, r in enumerate(made):
        pk = first + offset
        o = pk % ORGS
        org = orgs[o]
        worker = workers[o][(pk // ORGS) % WORKERS_PER_ORG]
        year = int(r[_COL["vic_YearOfRegistration"]] or 2020)
        registered = datetime.date(min(year, 2026), 1, 1) + datetime.timedelta(days=rng.randrange(330))
        try:
            born: datetime.date | None = datetime.date.fromisoformat(r[_COL["prs_Birthdate"]])
        except ValueError:
            born = None
        first_name = r[_COL["prs_FirstName"]] or None
        second_name = r[_COL["prs_SecondName"]] or None
        persons.append(
            {
                "id": pk,
                "organisation_id": org["id"],
                "reference": f"MK-{org['code'].upper()}-{year}-{pk:07d}",
                "first_name": first_name,
                "second_name": second_name,
                "birth_date": born,
                "gender": _GENDER.get(r[_COL["prs_Gender"]], "NonSpecifiedUnknown"),
                "citizenships": [c for c in r[_COL["prs_Citizenship"]].split(";") if c],
                "name_index": name_digest(first_name, second_name, born),
            }
        )
        f, s = (first_name or "").strip(), (second_name or "").strip()
        for variant in dict.fromkeys(v.strip() for v in (f"{f} {s}", f"{s} {f}")):
            if variant:
                keys.append({"person_id": pk, "digest": key_digest(variant)})
        # Each worker's last ``ACTIVE_PER_WORKER`` cases are active (a tenth waiting for closure
        # approval), all earlier ones closed: a caseload stays a caseload as the archive grows.
        if pk <= total - ACTIVE_PER_WORKER * ORGS * WORKERS_PER_ORG:
            state = "closed"
        else:
            state = "closure_requested" if pk % 10 == 0 else "open"
        codes = [c for c in r[_COL["vic_TypeOfExploitation"]].split(";") if c]
        cases.append(
            {
                "id": pk,
                "organisation_id": org["id"],
                "reference": f"MK-{org['code'].upper()}-VC-{year}-{pk:07d}",
                "person_id": pk,
                "trafficking_status": _STATUS.get(r[_COL["vic_TraffickingStatus"]], "PossibleVictim"),
                "status_decided_on": registered,
                "registered_on": registered,
                "country_of_exploitation": r[_COL["vic_CountryOfExploitation"]][:2],
                "forms_of_exploitation": codes,
                "assigned_to_id": worker,
                "state": state,
                "closed_on": registered + datetime.timedelta(days=200) if state == "closed" else None,
                "created_by_id": worker,
            }
        )
        if state != "closed":
            due = today + datetime.timedelta(days=rng.randrange(-20, 40))
            tasks.append(
                {
                    "organisation_id": org["id"],
                    "case_id": pk,
                    "kind": "follow_up",
                    "title": "Follow-up call",
                    "due_on": due,
                    "assignee_id": worker,
                }
            )
    with transaction.atomic():
        cursor = connection.cursor().cursor
        _Table(Person, list(persons[0]), connection).copy(cursor, persons)
        _Table(PersonNameKey, ["person_id", "digest"], connection).copy(cursor, keys)
        _Table(VictimCase, list(cases[0]), connection).copy(cursor, cases)
        if tasks:
            _Table(Task, list(tasks[0]), connection).copy(cursor, tasks)
    return len(made)


def step_load(first: str, last: str, seed: str) -> dict[str, Any]:
    """Load cases ``first`` .. ``last`` (1-based ids, inclusive) with two processes; then ANALYZE."""
    _django()
    from multiprocessing import get_context

    from django.db import connection, connections

    from pharos.tenancy.models import Membership, Organisation

    orgs: list[dict[str, Any]] = [
        {"id": o.id, "code": o.code}
        for o in Organisation.objects.filter(code__startswith="bench").order_by("id")
    ]
    workers = [
        list(
            Membership.objects.filter(organisation_id=o["id"])
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )
        for o in orgs
    ]
    start, stop = int(first), int(last)
    os.environ["BENCH_META"] = json.dumps({"orgs": orgs, "workers": workers, "total": stop})
    jobs = []
    block = start // BLOCK + 1
    at = start
    while at <= stop:
        count = min(BLOCK, stop - at + 1)
        jobs.append((block, at, count, int(seed)))
        block += 1
        at += count
    connections.close_all()
    started = time.perf_counter()
    loaded = 0
    with get_context("fork").Pool(2) as pool:
        for n in pool.imap_unordered(_load_block, jobs):
            loaded += n
            sys.stderr.write(f"\r  loaded {loaded:,} / {stop - start + 1:,}")
            sys.stderr.flush()
    sys.stderr.write("\n")
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        for table in ("persons_person", "cases_victimcase", "persons_personnamekey", "casework_task"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608 - fixed names
            )
        analyse_started = time.perf_counter()
        cursor.execute("ANALYZE")
        analyse = time.perf_counter() - analyse_started
    return {"rows": loaded, "seconds": seconds, "analyse_seconds": analyse}


def step_targets(per_user: str) -> dict[str, Any]:
    """For each worker: cases of their organisation to open and search for (reference, full name)."""
    _django()
    from pharos.accounts.models import User
    from pharos.cases.models import VictimCase
    from pharos.tenancy.models import Membership

    rng = random.Random(7)
    out: dict[str, list[dict[str, str]]] = {}
    by_org: dict[int, list[dict[str, str]]] = {}
    for membership in Membership.objects.select_related("user").filter(
        user__email__endswith="@bench.example.org"
    ):
        org_id = membership.organisation_id
        if org_id not in by_org:
            top = VictimCase.objects.unscoped("benchmark targets").filter(organisation_id=org_id).count()
            ids = [rng.randrange(top) for _ in range(int(per_user) * WORKERS_PER_ORG)]
            all_ids = list(
                VictimCase.objects.unscoped("benchmark targets")
                .filter(organisation_id=org_id)
                .order_by("id")
                .values_list("id", flat=True)[: max(ids) + 1]
            )
            picked = (
                VictimCase.objects.unscoped("benchmark targets")
                .filter(id__in=[all_ids[i] for i in ids])
                .select_related("person")
            )
            by_org[org_id] = [
                {
                    "case": str(c.public_id),
                    "reference": c.reference,
                    "name": " ".join(p for p in (c.person.first_name, c.person.second_name) if p)
                    or c.reference,
                }
                for c in picked
            ]
        out[membership.user.email] = by_org[org_id]
    del User
    return {"targets": out}


# --- serving and driving ----------------------------------------------------------------------------


def serve(db: str, port: int) -> subprocess.Popen[bytes]:
    code = (
        "import django; django.setup(); from waitress import serve; from pharos.wsgi import application; "
        f"serve(application, host='127.0.0.1', port={port}, threads=8, ident='Pharos')"
    )
    # The server's own log (waitress warns when requests queue) stays out of the tree.
    log = open(Path(tempfile.gettempdir()) / "pharos-bench-caseload-server.log", "ab")  # noqa: SIM115
    process = subprocess.Popen([PYTHON, "-c", code], env=_env(db), stdout=log, stderr=log)
    for _ in range(120):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.5)
    process.terminate()
    raise SystemExit("The server did not start.")


class Browser:
    """One signed-in user over one keep-alive connection, with its cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", text

    def _csrf(self, text: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        return found.group(1) if found else ""

    def sign_in(self, email: str) -> None:
        import pyotp

        _status, _loc, page = self.request("GET", "/accounts/login/")
        status, location, page = self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": self._csrf(page), "login": email, "password": PASSWORD},
        )
        if status != 302:
            raise SystemExit(f"Sign-in of {email} answered {status}")
        if "2fa" in location:
            path = urllib.parse.urlsplit(location).path
            _status, _loc, page = self.request("GET", path)
            status, location, _page = self.request(
                "POST", path, {"csrfmiddlewaretoken": self._csrf(page), "code": pyotp.TOTP(TOTP_SECRET).now()}
            )
            if status != 302:
                raise SystemExit(f"TOTP step of {email} answered {status}")


def sign_in_all(port: int, emails: list[str]) -> dict[str, Browser]:
    browsers = {}
    for email in emails:
        browser = Browser(port)
        browser.sign_in(email)
        browsers[email] = browser
    return browsers


def drive(
    browsers: dict[str, Browser],
    targets: dict[str, list[dict[str, str]]],
    pages: dict[str, str],
    duration: float,
    think: float,
) -> dict[str, list[float]]:
    """All users at once for ``duration`` seconds; latencies (ms) per page."""
    latencies: dict[str, list[float]] = {name: [] for name in pages}
    errors: dict[str, int] = {}
    lock = threading.Lock()
    start_line = threading.Barrier(len(browsers))

    def user(email: str, browser: Browser, seed: int) -> None:
        rng = random.Random(seed)
        mine = targets[email]
        start_line.wait()
        end = time.perf_counter() + duration
        order = list(pages)
        i = rng.randrange(len(order))
        while time.perf_counter() < end:
            name = order[i % len(order)]
            i += 1
            target = rng.choice(mine)
            q = target["reference"] if name == "search reference" else target["name"]
            path = pages[name].format(case=target["case"], q=urllib.parse.quote(q))
            began = time.perf_counter()
            status, _loc, _text = browser.request("GET", path)
            took = (time.perf_counter() - began) * 1000
            with lock:
                if status == 200:
                    latencies[name].append(took)
                else:
                    errors[f"{name} {status}"] = errors.get(f"{name} {status}", 0) + 1
            if think:
                time.sleep(min(rng.expovariate(1 / think), think * 5))

    threads = [
        threading.Thread(target=user, args=(email, browser, n))
        for n, (email, browser) in enumerate(browsers.items())
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        sys.stderr.write(f"  non-200 answers: {errors}\n")
    latencies["_errors"] = [float(sum(errors.values()))]
    return latencies


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def _measure(args: argparse.Namespace, db: str, port: int, label: str) -> dict[str, Any]:
    targets = _step(db, "targets", "20")["targets"]
    server = serve(db, port)
    try:
        load = os.getloadavg()[0]
        pages = PAGES[args.pages]
        # A short warm-up (connections, template caches), not recorded.
        browsers = sign_in_all(port, list(targets))
        drive(browsers, targets, pages, min(5.0, args.duration), args.think)
        found = drive(browsers, targets, pages, args.duration, args.think)
        load_after = os.getloadavg()[0]
    finally:
        server.terminate()
        server.wait(timeout=20)
    result: dict[str, Any] = {"label": label, "load": load, "load_after": load_after, "pages": {}}
    result["errors"] = int(found.pop("_errors")[0])
    every: list[float] = []
    for name, values in found.items():
        every += values
        result["pages"][name] = {
            "n": len(values),
            "p50": _pct(values, 50),
            "p95": _pct(values, 95),
            "p99": _pct(values, 99),
            "mean": statistics.fmean(values) if values else float("nan"),
        }
    result["pages"]["all pages"] = {
        "n": len(every),
        "p50": _pct(every, 50),
        "p95": _pct(every, 95),
        "p99": _pct(every, 99),
        "mean": statistics.fmean(every) if every else float("nan"),
    }
    return result


def _table(small: dict[str, Any], large: dict[str, Any], args: argparse.Namespace) -> list[str]:
    lines = [
        f"| Page | n ({args.baseline:,}) | p50 | p95 | p99 | n ({args.cases:,}) | p50 | p95 | p99 | "
        "p95 ratio (goal < 1.5) | p95 < 200 ms? |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in large["pages"]:
        s, g = small["pages"][name], large["pages"][name]
        ratio = g["p95"] / s["p95"] if s["p95"] else float("nan")
        met = "yes" if g["p95"] < GOAL_P95_MS else "**no**"
        lines.append(
            f"| {name} | {s['n']:,} | {s['p50']:.0f} | {s['p95']:.0f} | {s['p99']:.0f} | {g['n']:,} | "
            f"{g['p50']:.0f} | {g['p95']:.0f} | {g['p99']:.0f} | {ratio:.2f}{'' if ratio < GOAL_RATIO else ' **no**'}"
            f" | {met} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="Cases at the large size.")
    parser.add_argument("--baseline", type=int, default=1_000, help="Cases at the small size.")
    parser.add_argument("--duration", type=float, default=60.0, help="Seconds of load per size.")
    parser.add_argument("--think", type=float, default=1.0, help="Mean seconds a user waits between pages.")
    parser.add_argument("--pages", choices=sorted(PAGES), default="casework", help="Which URL set to drive.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--keep", action="store_true", help="Keep the databases afterwards.")
    parser.add_argument(
        "--measure-only", action="store_true", help="Measure the databases a --keep run left (no loading)."
    )
    args = parser.parse_args()

    started = datetime.datetime.now(datetime.UTC)
    small_db, large_db = f"{DB_NAME}_small", DB_NAME
    print(
        f"Databases {small_db} and {large_db}: creating, migrating, 20 case workers in {ORGS} organisations"
    )
    if not args.measure_only:
        for db in (small_db, large_db):
            create_database(db)
    large_load = {"rows": 0, "seconds": float("nan"), "analyse_seconds": float("nan")}
    rate = float("nan")
    try:
        # Both schemas at once (each migration run is mostly waiting on PostgreSQL).
        if not args.measure_only:
            setups = [threading.Thread(target=_step, args=(db, "setup")) for db in (small_db, large_db)]
            for t in setups:
                t.start()
            for t in setups:
                t.join()
            print(f"Loading {args.baseline:,} cases into {small_db}")
            _step(small_db, "load", "1", str(args.baseline), str(args.seed))
            print(f"Loading {args.cases:,} cases into {large_db}")
            large_load = _step(large_db, "load", "1", str(args.cases), str(args.seed))
            rate = large_load["rows"] / large_load["seconds"]
            print(
                f"  {large_load['rows']:,} cases in {large_load['seconds']:.0f} s ({rate:,.0f} cases/s), "
                f"ANALYZE {large_load['analyse_seconds']:.0f} s"
            )
        # Both sizes are measured one after the other, after loading, so they share the
        # machine's conditions (and the same code).
        print(f"Driving 20 users for {args.duration:.0f} s at {args.baseline:,} cases")
        small = _measure(args, small_db, args.port, f"{args.baseline:,}")
        print(f"Driving 20 users for {args.duration:.0f} s at {args.cases:,} cases")
        large = _measure(args, large_db, args.port, f"{args.cases:,}")
    finally:
        if not args.keep and not args.measure_only:
            for db in (small_db, large_db):
                drop_database(db)
    lines = _table(small, large, args)
    print("\n".join(lines))
    print(
        f"Load average (1 min) at the start / end of each measurement: {small['load']:.1f}/{small['load_after']:.1f} "
        f"({args.baseline:,}), {large['load']:.1f}/{large['load_after']:.1f} ({args.cases:,}); "
        f"non-200 answers: {small['errors']} / {large['errors']}"
    )
    report = [
        f"### Run of {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `.venv/bin/python bench/caseload/run.py --cases {args.cases} --baseline {args.baseline} "
        f"--duration {args.duration:g} --think {args.think:g} --pages {args.pages}"
        f"{' --measure-only' if args.measure_only else ''}`; "
        f"machine {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
        "Databases left by an earlier --keep run (not loaded in this run)."
        if args.measure_only
        else f"Load of {args.cases:,} cases: {large_load['seconds']:.0f} s "
        f"({rate:,.0f} cases/s) + ANALYZE {large_load['analyse_seconds']:.0f} s.",
        f"Load average (1 min) before/after: {small['load']:.1f}/{small['load_after']:.1f} at {args.baseline:,}, "
        f"{large['load']:.1f}/{large['load_after']:.1f} at {args.cases:,}. Latencies in ms.",
        "",
        *lines,
        "",
    ]
    (HERE / "results.md").write_text("\n".join(report), encoding="utf-8")
    print(json.dumps({"small": small, "large": large, "load": large_load}))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "_step":
        steps: dict[str, Any] = {"setup": step_setup, "load": step_load, "targets": step_targets}
        print(json.dumps(steps[sys.argv[2]](*sys.argv[3:])))
    else:
        main()
