"""Large exports run as a background job; the file waits encrypted for the person who started it."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest

from pharos import testing
from pharos.audit.models import AuditEvent
from pharos.cases import actions as case_actions
from pharos.exports import actions
from pharos.exports.models import ExportFile, ExportFilePart
from pharos.jobs.models import Job, JobStatus
from pharos.tenancy.access import resolve_acting, set_acting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def three_cases(cast):
    testing.codelists()
    for name in ("Quokkarina", "Wombatia", "Numbatus"):
        case_actions.case_register(
            actor=cast.owner,
            organisation=cast.org_a,
            new_person={"first_name": name, "gender": "Feminine", "citizenships": ["MK"]},
            facts={"registered_on": datetime.date(2025, 3, 1), "forms_of_exploitation": ["ForcedLabour"]},
            decision={
                "status": "ActualVictim",
                "decision_org_type": "NGO",
                "decided_on": datetime.date(2025, 3, 1),
            },
        )
    case_actions.case_register(
        actor=cast.outsider,
        organisation=cast.org_b,
        new_person={"first_name": "Outsidera", "gender": "Feminine"},
        facts={"registered_on": datetime.date(2025, 3, 1)},
        decision={
            "status": "ActualVictim",
            "decision_org_type": "NGO",
            "decided_on": datetime.date(2025, 3, 1),
        },
    )
    return cast


def jobs():
    return Job.objects.unscoped("test")


def test_a_small_export_stays_immediate(three_cases, client_for, settings):
    settings.PHAROS_EXPORT_JOB_ROWS = 3
    response = client_for(three_cases.owner).post("/exports/", {"format": "htcds-csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "Quokkarina" in response.content.decode("utf-8-sig")
    assert not jobs().exists()


def test_a_large_export_runs_as_a_job_and_the_starter_downloads_it(
    three_cases, client_for, settings, django_capture_on_commit_callbacks
):
    settings.PHAROS_EXPORT_JOB_ROWS = 2
    client = client_for(three_cases.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/exports/", {"format": "htcds-csv"})
    job = jobs().get()
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.public_id}/"
    assert (job.kind, job.status, job.organisation) == (
        "exports.file",
        JobStatus.SUCCEEDED,
        three_cases.org_a,
    )
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert job.result["rows"] == 3
    page = client.get(f"/jobs/{job.public_id}/").content.decode()
    assert job.result["download_url"] in page
    download = client.get(job.result["download_url"])
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    assert "Quokkarina" in text
    assert "Outsidera" not in text  # the starter's scope: organisation A only
    events = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"exports.export.queued", "exports.export.created", "exports.export.downloaded"} <= events


def test_the_stored_file_is_encrypted_and_split_into_parts(three_cases, settings, tmp_path):
    settings.PHAROS_ATTACHMENT_MAX_BYTES = 256
    owner = three_cases.owner
    set_acting(owner, resolve_acting(owner, None))
    expected = io.BytesIO()
    actions.export_create(actor=owner, fmt="htcds-csv", target=expected)
    job = Job.objects.unscoped("test").create(
        kind="exports.file", organisation=three_cases.org_a, created_by=owner
    )
    stored = actions.export_store(actor=owner, job=job, fmt="htcds-csv")
    assert ExportFilePart.objects.filter(export=stored).count() > 1
    assert b"".join(actions.export_file_read(actor=owner, export=stored)) == expected.getvalue()
    for blob in (tmp_path / "media" / "encrypted").iterdir():
        assert b"Quokkarina" not in blob.read_bytes()
    assert actions.export_store(actor=owner, job=job, fmt="htcds-csv") == stored  # run twice: one file


def test_only_the_starter_may_download(three_cases, client_for, settings, django_capture_on_commit_callbacks):
    settings.PHAROS_EXPORT_JOB_ROWS = 0
    with django_capture_on_commit_callbacks(execute=True):
        client_for(three_cases.owner).post("/exports/", {"format": "ctdc"})
    url = jobs().get().result["download_url"]
    colleague = testing.member(three_cases.org_a, "case_worker", email="colleague@a.example.org")
    assert client_for(colleague).get(url).status_code == 404
    assert client_for(three_cases.outsider).get(url).status_code == 404
    assert client_for(three_cases.owner).get(url).status_code == 200
    assert ExportFile.objects.unscoped("test").count() == 1
