"""A job whose process died (kill -9, power loss) is marked failed instead of "running" forever."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from django.urls import reverse

from pharos import testing
from pharos.audit.models import AuditEvent
from pharos.jobs import actions, live, liveness
from pharos.jobs.models import Job, JobStatus

pytestmark = pytest.mark.django_db


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _running(runner: str) -> Job:
    job = actions.job_start(actor=None, kind="audit.verify", params={}, organisation=None, enqueue=False)
    Job.objects.unscoped("test").filter(pk=job.pk).update(status=JobStatus.RUNNING, runner=runner)
    return job


def _status(job: Job) -> str:
    return Job.objects.unscoped("test").get(pk=job.pk).status


def test_a_job_whose_process_is_gone_is_marked_failed_and_audited():
    dead = _running(f"{socket.gethostname()}:{_dead_pid()}:1")
    alive = _running(liveness.this_runner())
    elsewhere = _running(f"another-host.example:{_dead_pid()}:1")
    assert actions.job_fail_stale() == 1
    assert _status(dead) == JobStatus.FAILED
    assert "stopped before it finished" in Job.objects.unscoped("test").get(pk=dead.pk).error
    assert _status(alive) == JobStatus.RUNNING
    assert _status(elsewhere) == JobStatus.RUNNING  # its own host decides
    assert AuditEvent.objects.filter(action="jobs.job.finished", data__status="failed").count() == 1


def test_a_pid_reused_by_another_process_does_not_keep_the_job_running():
    me = liveness.this_runner()
    host_pid, _sep, start = me.rpartition(":")
    job = _running(f"{host_pid}:{int(start or 0) + 12345}")  # this pid, but a later start
    assert actions.job_fail_stale() == 1
    assert _status(job) == JobStatus.FAILED


def test_the_job_page_shows_a_killed_job_as_failed(client):
    org = testing.organisation()
    admin = testing.member(org, "system_administrator")
    client.force_login(admin)
    job = _running(f"{socket.gethostname()}:{_dead_pid()}:1")
    page = client.get(reverse("jobs:detail", args=[job.public_id]))
    assert page.status_code == 200
    assert "stopped before it finished" in page.content.decode()


def test_progress_reported_around_a_long_transaction_shows_on_the_page(
    client, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.db import connection

    if connection.vendor != "sqlite":
        # PostgreSQL's path is a second connection, which cannot see a job row created inside
        # this test's transaction; test_kill.py watches it on a real, committed import.
        pytest.skip("the progress file is SQLite's path")
    settings.VAR_DIR = tmp_path
    org = testing.organisation()
    admin = testing.member(org, "system_administrator")
    client.force_login(admin)
    job = _running(liveness.this_runner())
    actions.job_progress(job=job, done=4200, total=None, outside=True)
    assert Job.objects.unscoped("test").get(pk=job.pk).progress_done == 0  # the row waits for the end
    page = client.get(reverse("jobs:progress", args=[job.public_id]))
    assert "4200" in page.content.decode() or "4,200" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        actions.job_finish(job=job, result={})
    assert not (tmp_path / "jobs" / f"{job.public_id}.json").exists()
    assert live.read(job, 7, None) == (7, None)
