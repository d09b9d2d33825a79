"""``kill -9`` in the middle of ``pharos import``: the whole batch or none of it, then a clean re-run.

The import runs as a real ``pharos import`` process on a database file of its own (and on a
PostgreSQL database of its own when the tests run on PostgreSQL). Once its job shows rows
processed, it gets SIGKILL: no handler runs, nothing is cleaned up. The database must then
hold no case, no person and no committed batch of that file; the job must not stay
"running" (the next command marks it failed: its process is gone), and importing the same
file again must import every row.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROWS = 20_000
ORG = "kill-nine"
ROOT = Path(__file__).resolve().parents[4]


def _pharos(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pharos", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=check,
    )


class Database:
    """Raw SQL on the import's database, outside Django (the test process has its own)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def scalar(self, sql: str) -> object:
        if self.url.startswith("sqlite"):
            connection = sqlite3.connect(self.url.removeprefix("sqlite:///"))
            try:
                return connection.execute(sql).fetchone()[0]
            finally:
                connection.close()
        import psycopg

        with psycopg.connect(self.url) as connection:
            row = connection.execute(sql).fetchone()
            return row[0] if row else None


def _postgres_url(name: str) -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    return url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path) -> Iterator[tuple[Database, dict[str, str]]]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "pharos.settings.test"),
        "PHAROS_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
    }
    drop: Callable[[], None] = lambda: None  # noqa: E731
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'kill.sqlite3'}"
    else:
        maybe = _postgres_url(f"pharos_kill9_{os.getpid()}")
        if maybe is None:
            pytest.skip("PostgreSQL only when the tests run on it (DATABASE_URL)")
        url = maybe
        import psycopg

        admin = url.rsplit("/", 1)[0] + "/postgres"
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    env["DATABASE_URL"] = url
    _pharos(env, "migrate", "--verbosity", "0")
    _pharos(env, "reference", "load")
    _pharos(env, "codelists", "load")
    _pharos(env, "org", "create", "--code", ORG, "--name", "Kill nine", "--country", "MK", "--type", "NGO")
    try:
        yield Database(url), env
    finally:
        drop()


def _progress(db: Database, var: Path) -> int:
    """Rows the running import has reported, as the job page reads them."""
    if db.url.startswith("sqlite"):
        done = 0
        for path in (var / "jobs").glob("*.json"):
            try:
                done = max(done, int(json.loads(path.read_text())["done"]))
            except (OSError, ValueError, KeyError):
                continue
        return done
    return int(
        db.scalar("SELECT coalesce(max(progress_done), 0) FROM jobs_job WHERE status = 'running'") or 0
    )


def test_kill_9_during_an_import_leaves_all_or_nothing_and_a_rerun_imports_everything(database, tmp_path):
    db, env = database
    data = tmp_path / "cases.csv"
    _pharos(env, "generate", "--cases", str(ROWS), "--seed", "9", "--out", str(data), "--quiet")
    # Rows the code lists refuse would stop the import for a reason other than the kill.
    lines = [
        line for line in data.read_text(encoding="utf-8").splitlines(keepends=True) if "Surrogacy" not in line
    ]
    data.write_text("".join(lines), encoding="utf-8")
    rows = len(lines) - 1

    process = subprocess.Popen(
        [sys.executable, "-m", "pharos", "import", str(data), "--org", ORG],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        seen = 0
        while seen < 1000 and process.poll() is None:
            time.sleep(0.05)
            seen = _progress(db, Path(env["PHAROS_VAR_DIR"]))
        assert process.poll() is None, "the import finished before it could be killed: use a larger file"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert 1000 <= seen < rows

    assert db.scalar("SELECT count(*) FROM cases_victimcase") == 0
    assert db.scalar("SELECT count(*) FROM cases_statusdecision") == 0
    assert db.scalar("SELECT count(*) FROM persons_person") == 0
    assert db.scalar("SELECT count(*) FROM imports_importbatch WHERE status = 'committed'") == 0
    assert db.scalar("SELECT count(*) FROM jobs_job WHERE status = 'running'") == 1

    again = _pharos(env, "import", str(data), "--org", ORG, check=False)
    assert again.returncode == 0, again.stderr[-2000:]
    assert db.scalar("SELECT count(*) FROM cases_victimcase") == rows
    assert db.scalar("SELECT count(*) FROM imports_importbatch WHERE status = 'committed'") == 1
    # The killed job was found dead and marked failed; none stays "running".
    assert db.scalar("SELECT count(*) FROM jobs_job WHERE status = 'running'") == 0
    assert db.scalar("SELECT count(*) FROM jobs_job WHERE status = 'failed'") == 1
