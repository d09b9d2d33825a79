"""Importing a file from the page: upload, change a mapping, watch the progress live, import, report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from pharos import testing
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_accessibility import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# "Estado" means nothing to Pharos: the person maps it to the trafficking status by hand.
FILE = (
    b"record_id,prs_FirstName,prs_SecondName,Estado,vic_YearOfRegistration\n"
    b"P1,Ana,Petrova,ActualVictim,2020\nP2,Ivan,Petrov,PossibleVictim,2021\n"
)


def _run_queued_job() -> None:
    """Play the worker: run the job the page queued (the page keeps polling meanwhile)."""
    from pharos.jobs import runner
    from pharos.jobs.models import Job, JobStatus

    job = Job.objects.unscoped("the test plays the worker").get(status=JobStatus.QUEUED)
    runner.execute(job)


def test_upload_map_check_and_import_with_live_progress(
    live_server: Any, page: Any, settings: Any, tmp_path: Path
) -> None:
    from pharos.cases.models import VictimCase

    # Jobs wait in the queue until the test runs them, so the page is seen polling.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    testing.codelists()
    cast = testing.cast()
    path = tmp_path / "police.csv"
    path.write_bytes(FILE)

    sign_in(page, live_server.url, cast.owner.email)
    page.goto(live_server.url + "/imports/")
    page.get_by_role("link", name="Import a file in the background").click()
    page.get_by_label("File (CSV, XLSX or ODS in the HTCDS layout)").set_input_files(str(path))
    page.get_by_role("button", name="Upload and map the columns").click()

    expect(page.get_by_role("heading", name="Map the columns")).to_be_visible()
    expect(page.get_by_label("prs_FirstName")).to_have_value("prs_FirstName")  # suggested
    expect(page.get_by_label("Estado")).to_have_value("")
    page.get_by_label("Estado").select_option("vic_TraffickingStatus")
    page.get_by_label("Save this mapping").fill("Police files")
    assert not axe_violations(page), describe(axe_violations(page))
    page.get_by_role("button", name="Check every row (dry run)").click()

    progress = page.get_by_role("progressbar", name="Rows processed")
    expect(progress).to_be_visible()
    expect(page.locator("#import-status")).to_contain_text("Queued")
    assert not axe_violations(page), describe(axe_violations(page))
    _run_queued_job()
    # No reload: htmx replaces the status section when it polls.
    expect(page.get_by_text("Every row is valid")).to_be_visible()
    expect(progress).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("#import-progress-text")).to_contain_text("2 rows processed")
    assert not VictimCase.objects.unscoped("test").exists()

    page.get_by_role("button", name="Import the file now").click()
    expect(page.locator("#import-status")).to_contain_text("Queued")
    _run_queued_job()
    expect(page.get_by_text("The file was imported.")).to_be_visible()
    expect(page.get_by_role("term").filter(has_text="Cases imported")).to_be_visible()
    expect(page.locator("dd").last).to_have_text("2")
    assert VictimCase.objects.unscoped("test").filter(organisation=cast.org_a).count() == 2
