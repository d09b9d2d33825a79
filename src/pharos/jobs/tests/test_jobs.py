"""Background jobs: run end to end, fail politely, run once, and show progress live."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pharos import testing
from pharos.audit.models import AuditEvent
from pharos.jobs import actions, runner
from pharos.jobs.cli import run_in_foreground
from pharos.jobs.models import Job, JobLogLine, JobStatus
from pharos.jobs.progress import ProgressBar
from pharos.jobs.registry import job_kind
from pharos.jobs.tasks import run_job
from pharos.tenancy import access
from pharos.tenancy.models import Membership

pytestmark = pytest.mark.django_db

CALLS: list[str] = []


@job_kind("tests.count", label="Counting for a test", capability="jobs.view")
def count_kind(job: Job, reporter: runner.Reporter) -> dict[str, Any]:
    CALLS.append(str(job.public_id))
    size = int(job.params.get("size", 250))
    reporter.total(size)
    for _ in range(size):
        reporter.advance()
    reporter.log("Counted %(count)s things", count=size)
    return {"counted": size}


@job_kind("tests.explode", label="Failing for a test")
def explode_kind(job: Job, reporter: runner.Reporter) -> dict[str, Any]:
    reporter.log("Starting")
    raise RuntimeError("Ana Petrova, born 1999-01-01")  # personal data in an exception


@job_kind("tests.refuse", label="Refusing for a test")
def refuse_kind(job: Job, reporter: runner.Reporter) -> dict[str, Any]:
    raise runner.JobError("Row 3: the date is not a date.")


@pytest.fixture(autouse=True)
def _forget_calls() -> None:
    CALLS.clear()


def act(user: Any) -> Any:
    access.set_acting(user, Membership.objects.select_related("organisation__country").get(user=user))
    return user


def start(user: Any, kind: str = "tests.count", **params: Any) -> Job:
    membership = Membership.objects.get(user=user)
    return actions.job_start(actor=act(user), kind=kind, params=params, organisation=membership.organisation)


def fetch(job: Job) -> Job:
    return Job.objects.unscoped("test").get(pk=job.pk)


def test_a_job_runs_after_commit_and_records_progress_and_log(
    cast, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = start(cast.owner, size=250)
    assert fetch(job).status == JobStatus.QUEUED  # nothing runs before the commit
    assert CALLS == []

    for callback in callbacks:
        callback()

    job = fetch(job)
    assert job.status == JobStatus.SUCCEEDED
    assert (job.progress_done, job.progress_total, job.percent) == (250, 250, 100)
    assert job.result == {"counted": 250}
    assert job.task_result_id
    assert [line.text for line in job.log_lines.all()] == ["Counted 250 things"]
    assert list(AuditEvent.objects.filter(target_id=str(job.public_id)).values_list("action", flat=True)) == [
        "jobs.job.created",
        "jobs.job.finished",
    ]


def test_a_failing_job_ends_failed_with_a_short_message(cast, caplog) -> None:
    job = start(cast.owner, kind="tests.explode")

    run_job.call(str(job.public_id))

    job = fetch(job)
    assert job.status == JobStatus.FAILED
    assert "RuntimeError" in job.error
    assert "Ana" not in job.error
    assert job.request_id in job.error  # the reference that finds the server log entry
    assert "Ana Petrova" in caplog.text  # the details went to the server log only
    assert [line.text for line in job.log_lines.all()] == ["Starting"]


def test_a_job_error_message_is_shown_as_is(cast) -> None:
    job = start(cast.owner, kind="tests.refuse")

    run_job.call(str(job.public_id))

    assert fetch(job).error == "Row 3: the date is not a date."
    assert fetch(job).status == JobStatus.FAILED


def test_a_finished_job_is_not_run_again(cast) -> None:
    job = start(cast.owner, size=3)
    run_job.call(str(job.public_id))
    finished_at = fetch(job).finished_at

    assert run_job.call(str(job.public_id)) == JobStatus.SUCCEEDED

    assert [str(job.public_id)] == CALLS
    assert fetch(job).finished_at == finished_at
    assert fetch(job).log_lines.count() == 1


def test_a_job_whose_starter_lost_the_capability_does_not_run(cast) -> None:
    job = start(cast.owner, size=3)
    Membership.objects.filter(user=cast.owner).update(role="trainer")  # trainers lack jobs.view

    run_job.call(str(job.public_id))

    assert fetch(job).status == JobStatus.FAILED
    assert "may no longer run it" in fetch(job).error
    assert CALLS == []


def test_starting_a_job_needs_the_kinds_capability_in_the_organisation(cast) -> None:
    from django.core.exceptions import PermissionDenied

    trainer = testing.member(cast.org_a, "trainer")
    with pytest.raises(PermissionDenied):
        start(trainer)
    with pytest.raises(PermissionDenied):
        actions.job_start(actor=act(cast.owner), kind="tests.count", params={}, organisation=cast.org_b)


def test_progress_writes_are_throttled() -> None:
    job = Job.objects.unscoped("test").create(kind="tests.count", status=JobStatus.RUNNING)
    now = [0.0]
    reporter = runner.Reporter(job, min_interval=1.0, clock=lambda: now[0])
    reporter.total(1000)

    with CaptureQueriesContext(connection) as captured:
        for _ in range(1000):
            now[0] += 0.01  # a thousand rows in ten seconds
            reporter.advance()
        reporter.flush()

    updates = [
        q for q in captured.captured_queries if q["sql"].startswith("UPDATE") and "jobs_job" in q["sql"]
    ]
    assert 5 <= len(updates) <= 12
    assert fetch(job).progress_done == 1000


def test_the_progress_fragment_shows_the_new_percentage_and_stops_polling_when_done(cast, client_for) -> None:
    job = start(cast.owner)
    actions.job_begin(job=job)
    actions.job_progress(job=job, done=30, total=120)
    client = client_for(cast.member)
    url = reverse("jobs:progress", kwargs={"public_id": job.public_id})

    running = client.get(url).content.decode()
    assert "25%" in running
    assert 'value="25"' in running
    assert 'hx-trigger="every 1s"' in running
    assert "<html" not in running  # the fragment, not the page

    actions.job_progress(job=job, done=120, total=120)
    actions.job_finish(job=job, result={})
    finished = client.get(url).content.decode()
    assert "100%" in finished
    assert "hx-trigger" not in finished


def test_the_job_page_polls_inside_a_live_region(cast, client_for) -> None:
    job = start(cast.owner)

    page = (
        client_for(cast.owner)
        .get(reverse("jobs:detail", kwargs={"public_id": job.public_id}))
        .content.decode()
    )

    assert 'aria-live="polite"' in page
    assert reverse("jobs:progress", kwargs={"public_id": job.public_id}) in page
    assert "<progress" in page


def test_the_job_list_shows_the_organisations_jobs_only(cast, client_for) -> None:
    mine = start(cast.owner)
    theirs = start(cast.outsider)

    body = client_for(cast.member).get(reverse("jobs:list")).content.decode()

    assert str(mine.public_id) in body
    assert str(theirs.public_id) not in body


def test_another_organisations_job_is_404_everywhere(cast, client_for) -> None:
    job = start(cast.owner)
    outsider = client_for(cast.outsider)

    assert outsider.get(reverse("jobs:detail", kwargs={"public_id": job.public_id})).status_code == 404
    assert outsider.get(reverse("jobs:progress", kwargs={"public_id": job.public_id})).status_code == 404
    api = outsider.get(f"/api/jobs/{job.public_id}")
    assert api.status_code == 404
    assert api["Content-Type"].startswith("application/problem+json")


def test_system_jobs_are_for_system_administrators_only(cast, client_for) -> None:
    job = run_in_foreground("tests.count", {"size": 2}, stream=io.StringIO())
    admin = testing.member(cast.org_a, "system_administrator")

    assert (
        client_for(cast.owner).get(reverse("jobs:detail", kwargs={"public_id": job.public_id})).status_code
        == 404
    )
    assert (
        client_for(admin).get(reverse("jobs:detail", kwargs={"public_id": job.public_id})).status_code == 200
    )


def test_api_shows_status_progress_and_log(cast, client_for) -> None:
    job = start(cast.owner, size=4)
    run_job.call(str(job.public_id))

    body = client_for(cast.member).get(f"/api/jobs/{job.public_id}").json()

    assert body["status"] == "succeeded"
    assert (body["progress_done"], body["progress_total"], body["percent"]) == (4, 4, 100)
    assert body["log"][0]["message"] == "Counted 4 things"
    assert body["kind_label"] == "Counting for a test"


def test_log_lines_are_translated_when_shown() -> None:
    from django.utils import translation

    job = Job.objects.unscoped("test").create(kind="tests.count")
    line = JobLogLine.objects.create(
        job=job, message="Audit chain intact: %(count)s events", params={"count": 3}
    )
    broken = JobLogLine.objects.create(job=job, message="%(missing)s", params={"count": 3})

    with translation.override("en"):
        assert line.text == "Audit chain intact: 3 events"
    assert broken.text == "%(missing)s"  # a bad template never breaks the page


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_redraws_one_line_on_a_terminal() -> None:
    stream = FakeTerminal()
    bar = ProgressBar(stream, label="Checking")
    bar.total(200)
    for _ in range(200):
        bar.advance()
    bar.message("All good")
    bar.close()

    output = stream.getvalue()
    assert "\r" in output
    assert "[" + "#" * 30 + "] Checking: 200/200 (100%)" in output
    assert output.count("\r") <= 110  # redrawn per percent, not per item
    assert "All good\n" in output
    assert output.endswith("\n")


def test_the_progress_bar_writes_plain_lines_elsewhere() -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream, label="Checking")
    bar.total(200)
    for _ in range(200):
        bar.advance()
    bar.close()

    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert lines[0] == "Checking: 0/200 (0%)"
    assert "Checking: 20/200 (10%)" in lines
    assert lines[-1] == "Checking: 200/200 (100%)"
    assert len(lines) == 11


def test_run_in_foreground_creates_a_system_job_and_drives_the_bar() -> None:
    stream = FakeTerminal()

    job = run_in_foreground("tests.count", {"size": 50}, stream=stream)

    assert job.status == JobStatus.SUCCEEDED
    assert job.organisation is None
    assert job.created_by is None
    assert "Counting for a test: 50/50 (100%)" in stream.getvalue()
    assert "Counted 50 things" in stream.getvalue()
    with transaction.atomic():
        assert AuditEvent.objects.filter(target_id=str(job.public_id), source="cli").count() == 2


@job_kind("tests.interrupt", label="Interrupted for a test")
def interrupt_kind(job: Job, reporter: runner.Reporter) -> dict[str, Any]:
    reporter.total(10)
    reporter.advance(4)
    raise KeyboardInterrupt


def test_an_interrupted_job_does_not_stay_running() -> None:
    with pytest.raises(KeyboardInterrupt):
        run_in_foreground("tests.interrupt", {}, stream=io.StringIO())

    job = Job.objects.unscoped("test").get(kind="tests.interrupt")
    assert job.status == JobStatus.FAILED
    assert "interrupted" in job.error
    assert job.progress_done == 4
