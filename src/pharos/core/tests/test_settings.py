"""Settings come from the environment, fail loudly on bad values, and pass ``check --deploy``."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pharos.settings import env

ROOT = Path(__file__).resolve().parents[4]


def _key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def production_env(**extra: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PHAROS_", "DJANGO_", "SECRET_KEY"))}
    environ.update(
        DJANGO_SETTINGS_MODULE="pharos.settings.production",
        SECRET_KEY=base64.urlsafe_b64encode(os.urandom(48)).decode(),
        PHAROS_FIELD_KEYS=f"k1:{_key()}",
        PHAROS_BLIND_INDEX_KEY=_key(),
        DATABASE_URL="sqlite:////tmp/pharos-deploy-check.sqlite3",
    )
    environ.update(extra)
    return environ


def run_pharos(*args: str, environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pharos", *args],
        env=environ,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks() -> None:
    result = run_pharos("check", "--deploy", "--fail-level", "WARNING", environ=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    environ = production_env()
    del environ["SECRET_KEY"]
    result = run_pharos("check", environ=environ)
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_secret_from_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n", encoding="utf-8")
    monkeypatch.delenv("PHAROS_TEST_SECRET", raising=False)
    monkeypatch.setenv("PHAROS_TEST_SECRET_FILE", str(secret))
    assert env.env_str("PHAROS_TEST_SECRET") == "from-a-file"


def test_bad_values_fail_loudly_with_the_variable_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHAROS_TEST_FLAG", "ture")
    with pytest.raises(env.ImproperlyConfiguredEnv, match="PHAROS_TEST_FLAG must be true or false"):
        env.env_bool("PHAROS_TEST_FLAG", False)
    monkeypatch.setenv("PHAROS_TEST_NUMBER", "ten")
    with pytest.raises(env.ImproperlyConfiguredEnv, match="PHAROS_TEST_NUMBER must be a whole number"):
        env.env_int("PHAROS_TEST_NUMBER", 1)
    monkeypatch.setenv("PHAROS_TEST_BOTH", "a")
    monkeypatch.setenv("PHAROS_TEST_BOTH_FILE", "/nonexistent")
    with pytest.raises(env.ImproperlyConfiguredEnv, match="not both"):
        env.env_str("PHAROS_TEST_BOTH")
    monkeypatch.delenv("PHAROS_TEST_BOTH")
    with pytest.raises(env.ImproperlyConfiguredEnv, match="cannot be read"):
        env.env_str("PHAROS_TEST_BOTH")


def test_database_url_chooses_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_pharos(
        "shell",
        "-c",
        "from django.db import connection; print(connection.vendor, connection.settings_dict['NAME'])",
        environ=production_env(DATABASE_URL="postgres://someone@db.invalid:5432/pharos_prod"),
    )
    assert result.returncode == 0, result.stderr
    assert "postgresql pharos_prod" in result.stdout
