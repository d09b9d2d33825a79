"""Importing from the page in the background: upload (kept encrypted), map, dry run, import, report."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from pharos.cases.models import VictimCase
from pharos.imports.models import ImportMapping, ImportUpload
from pharos.jobs.models import Job
from pharos.privacy import uploads
from pharos.privacy.models import EncryptedAttachment

# "Estado" is not a header Pharos knows: the person maps it by hand.
FILE = (
    b"record_id,prs_FirstName,Estado,vic_YearOfRegistration\n"
    b"P1,Ana,ActualVictim,2020\nP2,Ivan,PossibleVictim,2021\n"
)
BAD = b"record_id,prs_FirstName,vic_TraffickingStatus,vic_YearOfRegistration\nP1,Ana,ActualVictm,2020\n"


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Jobs start after commit: run them then, as the worker would."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def upload(client, content: bytes):
    return client.post("/imports/start/", {"file": SimpleUploadedFile("cases.csv", content)})


def mapping_form(page_upload: ImportUpload, **changes: str) -> dict[str, str]:
    data = {f"column_{i}": page_upload.columns.get(h, "") for i, h in enumerate(page_upload.headers)}
    data.update(changes)
    return data


def test_upload_map_check_then_import_with_progress_and_report(cast, client_for, run_jobs):
    client = client_for(cast.owner)
    response = upload(client, FILE)
    stored = ImportUpload.objects.unscoped("test").get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/uploads/{stored.public_id}/"
    attachment = EncryptedAttachment.objects.get(pk=stored.attachment_id)
    assert attachment.size == len(FILE)

    page = client.get(response["Location"]).content.decode()
    assert "Estado" in page
    assert "prs_FirstName" in page
    assert stored.columns["Estado"] == ""  # nothing suggested for an unknown header

    form = mapping_form(stored, column_2="vic_TraffickingStatus", save_as="Police files", run="check")
    checked = run_jobs(lambda: client.post(response["Location"], form))
    job = Job.objects.unscoped("test").get()
    assert checked["Location"] == f"/imports/uploads/{stored.public_id}/jobs/{job.public_id}/"
    assert job.params["dry_run"] is True
    assert "Police files" in ImportMapping.objects.unscoped("test").values_list("name", flat=True)
    report = client.get(checked["Location"]).content.decode()
    assert 'role="progressbar"' in report
    assert "Every row is valid" in report
    assert not VictimCase.objects.unscoped("test").exists()

    imported = run_jobs(lambda: client.post(f"/imports/uploads/{stored.public_id}/import/"))
    assert VictimCase.objects.unscoped("test").filter(organisation=cast.org_a).count() == 2
    status = client.get(imported["Location"] + "status/").content.decode()
    assert "The file was imported" in status
    assert 'aria-valuenow="100"' in status


def test_a_file_with_rejected_rows_offers_the_annotated_spreadsheet(cast, client_for, run_jobs):
    client = client_for(cast.owner)
    response = upload(client, BAD)
    stored = ImportUpload.objects.unscoped("test").get()
    ran = run_jobs(lambda: client.post(response["Location"], mapping_form(stored, run="import")))
    page = client.get(ran["Location"]).content.decode()
    assert "Download the annotated spreadsheet" in page
    assert not VictimCase.objects.unscoped("test").exists()
    sheet = client.get(f"/imports/uploads/{stored.public_id}/report/")
    assert sheet.status_code == 200
    cells = [
        c for row in load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True) for c in row
    ]
    assert any("ActualVictm" in str(c) for c in cells)


def test_a_refused_file_is_explained_on_the_upload_step(cast, client_for):
    response = upload(client_for(cast.owner), b"only,a,header\n")
    assert response.status_code == 200
    assert "no data rows" in response.content.decode()
    assert not ImportUpload.objects.unscoped("test").exists()


def test_an_upload_of_another_organisation_is_not_found(cast, client_for):
    upload(client_for(cast.owner), FILE)
    stored = ImportUpload.objects.unscoped("test").get()
    outsider = client_for(cast.outsider)
    assert outsider.get(f"/imports/uploads/{stored.public_id}/").status_code == 404
    assert outsider.get(f"/imports/uploads/{stored.public_id}/report/").status_code == 404


def test_a_saved_mapping_is_applied_to_the_next_file_from_that_source(cast, client_for, run_jobs):
    client = client_for(cast.owner)
    first = upload(client, FILE)
    stored = ImportUpload.objects.unscoped("test").get()
    form = mapping_form(stored, column_2="vic_TraffickingStatus", save_as="Police files", run="check")
    run_jobs(lambda: client.post(first["Location"], form))
    again = client.post(
        "/imports/start/", {"file": SimpleUploadedFile("more.csv", FILE), "mapping": "Police files"}
    )
    second = ImportUpload.objects.unscoped("test").exclude(pk=stored.pk).get()
    assert again["Location"] == f"/imports/uploads/{second.public_id}/"
    assert second.columns["Estado"] == "vic_TraffickingStatus"


def test_a_file_too_large_for_memory_is_uploaded_sealed_and_imported(
    cast, client_for, run_jobs, settings, monkeypatch
):
    # Uploads over FILE_UPLOAD_MAX_MEMORY_SIZE go through the sealed temporary handler.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    sealed = []
    complete = uploads.SealedTemporaryUploadHandler.file_complete
    monkeypatch.setattr(
        uploads.SealedTemporaryUploadHandler,
        "file_complete",
        lambda self, size: sealed.append(size) or complete(self, size),
    )
    rows = b"".join(b"P%d,Ana,ActualVictim,2020\n" % n for n in range(3000))
    content = b"record_id,prs_FirstName,Estado,vic_YearOfRegistration\n" + rows
    assert len(content) > 64 * 1024  # several sealed segments
    client = client_for(cast.owner)
    response = upload(client, content)
    assert response.status_code == 302
    assert sealed == [len(content)]
    stored = ImportUpload.objects.unscoped("test").get()
    assert stored.headers[:2] == ["record_id", "prs_FirstName"]
    assert EncryptedAttachment.objects.get(pk=stored.attachment_id).size == len(content)
    ran = run_jobs(
        lambda: client.post(
            response["Location"], mapping_form(stored, column_2="vic_TraffickingStatus", run="import")
        )
    )
    assert "The file was imported" in client.get(ran["Location"] + "status/").content.decode()
    assert VictimCase.objects.unscoped("test").filter(organisation=cast.org_a).count() == 3000


def test_an_upload_over_the_upload_limit_is_refused_with_its_size(cast, client_for, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.PHAROS_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    content = FILE + b"P3,Ana,ActualVictim,2020\n" * 150_000  # ~3.6 MB
    response = upload(client_for(cast.owner), content)
    assert response.status_code == 200
    assert "The file is 3 MB; uploads may be at most 2 MB." in response.content.decode()
    assert not ImportUpload.objects.unscoped("test").exists()
    assert not EncryptedAttachment.objects.exists()
