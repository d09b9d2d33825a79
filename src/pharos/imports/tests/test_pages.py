"""The import pages: check, see every rejected cell, import, download the report, roll back."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from pharos.cases.models import VictimCase
from pharos.imports.models import ImportBatch

GOOD = b"record_id,prs_FirstName,vic_TraffickingStatus,vic_YearOfRegistration\nP1,Ana,ActualVictim,2020\n"
BAD = b"record_id,prs_FirstName,vic_TraffickingStatus,vic_YearOfRegistration\nP1,Ana,ActualVictm,2020\n"


def send(client, content: bytes, action: str):
    upload = SimpleUploadedFile("cases.csv", content, content_type="text/csv")
    return client.post("/imports/upload/", {"file": upload, "action": action})


def cases():
    return VictimCase.objects.unscoped("test")


def test_a_check_shows_each_rejected_cell_and_imports_nothing(cast, client_for):
    response = send(client_for(cast.owner), BAD, "check")
    page = response.content.decode()
    assert response.status_code == 200
    assert "vic_TraffickingStatus" in page
    assert "ActualVictim" in page
    assert not cases().exists()


def test_an_import_through_the_page_then_a_rollback(cast, client_for):
    client = client_for(cast.owner)
    assert send(client, GOOD, "import").status_code == 200
    batch = ImportBatch.objects.unscoped("test").get(status="committed")
    assert cases().get().import_batch == batch.public_id
    assert str(batch.public_id) in client.get("/imports/").content.decode()
    response = client.post(f"/imports/{batch.public_id}/rollback/")
    assert response.status_code == 302
    assert not cases().exists()


def test_the_report_downloads_as_an_annotated_spreadsheet(cast, client_for):
    response = send(client_for(cast.owner), BAD, "report")
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content))["Rejected rows"]
    headers = [c.value for c in sheet[1]]
    assert "ActualVictim" in sheet.cell(row=2, column=headers.index("vic_TraffickingStatus") + 1).comment.text


def test_a_refused_file_is_explained_on_the_page(cast, client_for):
    response = send(client_for(cast.owner), b"\x00\x00", "import")
    assert "NUL" in response.content.decode()
