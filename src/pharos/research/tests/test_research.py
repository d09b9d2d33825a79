"""Research datasets: CTDC layouts load apart from cases, codes are checked, pages are scoped."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from pharos import testing
from pharos.audit.models import AuditEvent
from pharos.cases.models import VictimCase
from pharos.imports.models import ImportBatch
from pharos.research import actions, layouts, report
from pharos.research.models import ResearchDataset, ResearchRow
from pharos.research.tests.conftest import GLOBAL_COLUMNS, VP_COLUMNS, global_rows, vp_rows

pytestmark = pytest.mark.django_db


def datasets():
    return ResearchDataset.objects.unscoped("test")


@pytest.fixture
def world():
    return testing.cast(member_role="statistician")


def test_layouts_are_detected_from_the_header():
    assert layouts.detect(GLOBAL_COLUMNS).key == "ctdc-global"
    assert layouts.detect(VP_COLUMNS).key == "ctdc-vp"
    assert layouts.detect(["record_id", "prs_FirstName", "vic_TraffickingStatus"]) is None
    assert len(layouts.LAYOUTS["ctdc-global"].columns) == 27
    assert len(layouts.LAYOUTS["ctdc-vp"].columns) == 16


def test_a_global_file_loads_as_a_dataset_and_never_as_cases(world, ctdc_file):
    path = ctdc_file("global", 40)
    outcome = actions.research_dataset_load(actor=world.member, organisation=world.org_a, path=path)
    assert outcome.ok, outcome.rejected
    dataset = outcome.dataset
    assert (dataset.layout, dataset.row_count, dataset.loaded_by) == ("ctdc-global", 40, world.member)
    assert ResearchRow.objects.filter(dataset=dataset).count() == 40
    assert sum(dataset.summary["yearOfRegistration"].values()) == 40
    assert not VictimCase.objects.unscoped("test").exists()
    assert not ImportBatch.objects.unscoped("test").exists()
    assert AuditEvent.objects.filter(action="research.dataset.loaded").count() == 1


def test_an_age_band_spelt_as_ctdcs_code_does_is_stored_canonically(world, ctdc_file):
    rows = global_rows(2)
    rows[0]["ageBroad"] = "09--17"
    outcome = actions.research_dataset_load(
        actor=None, organisation=world.org_a, path=ctdc_file("global", rows=rows)
    )
    first = ResearchRow.objects.get(dataset=outcome.dataset, number=2)
    assert first.values["ageBroad"] == "9--17"


def test_the_same_file_again_changes_nothing(world, ctdc_file):
    path = ctdc_file("vp", 20)
    first = actions.research_dataset_load(actor=None, organisation=world.org_a, path=path)
    again = actions.research_dataset_load(actor=None, organisation=world.org_a, path=path)
    assert again.status == "already_loaded"
    assert again.dataset == first.dataset
    assert datasets().count() == 1


PLANTED = {
    2: ("gender", "Femal"),
    3: ("IP_Relation", "FamilyIntimatePartner;Neighbour"),
    4: ("UN_COE_Region", "Oceania"),
    5: ("isForcedLabour", "0"),
}


def planted(ctdc_file):
    rows = vp_rows(6)
    for number, (column, value) in PLANTED.items():
        rows[number - 2][column] = value
    return ctdc_file("vp", rows=rows, name="planted.csv")


def test_the_report_names_every_planted_error_and_nothing_is_loaded(world, ctdc_file):
    outcome = actions.research_dataset_load(actor=None, organisation=world.org_a, path=planted(ctdc_file))
    assert outcome.rows_rejected == 4
    assert not datasets().exists()
    found = {(row.number, p.field) for row in outcome.rejected for p in row.problems}
    assert found == {(number, column) for number, (column, _v) in PLANTED.items()}
    gender = next(p for row in outcome.rejected for p in row.problems if p.field == "gender")
    assert "Female" in gender.suggestions
    buffer = io.BytesIO()
    report.write(outcome, buffer)
    sheet = load_workbook(buffer)["Rejected rows"]
    headers = [c.value for c in sheet[1]]
    assert "Female" in sheet.cell(row=2, column=headers.index("gender") + 1).comment.text


def test_a_global_file_with_a_bad_country_and_year_is_rejected(world, ctdc_file):
    rows = global_rows(3)
    rows[0]["citizenship"] = "UKX"
    rows[1]["yearOfRegistration"] = "1999"
    outcome = actions.research_dataset_load(
        actor=None, organisation=world.org_a, path=ctdc_file("global", rows=rows)
    )
    assert {(r.number, p.field) for r in outcome.rejected for p in r.problems} == {
        (2, "citizenship"),
        (3, "yearOfRegistration"),
    }


def test_a_file_of_no_layout_is_refused(world, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    outcome = actions.research_dataset_load(actor=None, organisation=world.org_a, path=path)
    assert "CTDC" in outcome.refused


def test_deleting_removes_rows_and_is_audited(world, ctdc_file):
    dataset = actions.research_dataset_load(
        actor=None, organisation=world.org_a, path=ctdc_file("vp", 5)
    ).dataset
    assert actions.research_dataset_delete(actor=world.member, dataset=dataset) == 5
    assert not ResearchRow.objects.exists()
    event = AuditEvent.objects.get(action="research.dataset.deleted")
    assert event.data["rows"] == 5


# --- command line ------------------------------------------------------------------------------


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=err, **options)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_pharos_import_detects_the_layout_and_loads_a_dataset(world, ctdc_file):
    code, out, _err = run(str(ctdc_file("global", 12)), org=world.org_a.code)
    assert code == 0
    assert "ctdc-global" in out
    assert datasets().get().row_count == 12
    assert not VictimCase.objects.unscoped("test").exists()


def test_pharos_import_with_a_layout_names_the_planted_errors(world, ctdc_file):
    code, _out, err = run(str(planted(ctdc_file)), org=world.org_a.code, layout="ctdc-vp")
    assert code == 1
    assert "Row 2, column gender" in err
    assert "Row 5, column isForcedLabour" in err
    assert not datasets().exists()


def test_an_explicit_layout_that_does_not_fit_is_refused(world, ctdc_file):
    code, _out, err = run(str(ctdc_file("vp", 3)), org=world.org_a.code, layout="ctdc-global")
    assert code == 1
    assert "yearOfRegistration" in err


# --- pages -------------------------------------------------------------------------------------


def upload(client, content: bytes, **data):
    return client.post(
        "/research/upload/", {"file": SimpleUploadedFile("ctdc.csv", content, "text/csv"), **data}
    )


def test_a_statistician_uploads_views_downloads_and_deletes(world, client_for, ctdc_file):
    client = client_for(world.member)
    response = upload(client, ctdc_file("vp", 8).read_bytes(), name="VP 2023")
    dataset = datasets().get()
    assert response.status_code == 302
    assert response["Location"] == f"/research/{dataset.public_id}/"
    page = client.get(f"/research/{dataset.public_id}/").content.decode()
    assert "VP 2023" in page
    assert "UN_COE_Region" in page
    assert "VP 2023" in client.get("/research/").content.decode()
    csv_text = b"".join(client.get(f"/research/{dataset.public_id}/rows.csv").streaming_content).decode()
    assert csv_text.splitlines()[0].split(",") == VP_COLUMNS
    assert len(csv_text.splitlines()) == 9
    assert client.post(f"/research/{dataset.public_id}/delete/").status_code == 302
    assert not datasets().exists()


def test_rejected_cells_are_shown_on_the_page(world, client_for, ctdc_file):
    response = upload(client_for(world.member), planted(ctdc_file).read_bytes())
    page = response.content.decode()
    assert response.status_code == 422
    assert "Femal" in page
    assert "Oceania" in page
    assert not datasets().exists()


def test_another_organisations_dataset_is_a_404(world, client_for, ctdc_file):
    dataset = actions.research_dataset_load(
        actor=None, organisation=world.org_a, path=ctdc_file("vp", 3)
    ).dataset
    statistician_b = testing.member(world.org_b, "statistician", email="stats@b.example.org")
    client = client_for(statistician_b)
    assert client.get(f"/research/{dataset.public_id}/").status_code == 404
    assert client.post(f"/research/{dataset.public_id}/delete/").status_code == 404
    assert datasets().exists()


def test_a_case_worker_may_not_reach_research_pages(world, client_for):
    assert client_for(world.owner).get("/research/").status_code == 403


def test_the_api_lists_datasets_with_their_summary(world, client_for, ctdc_file):
    dataset = actions.research_dataset_load(
        actor=None, organisation=world.org_a, path=ctdc_file("vp", 7)
    ).dataset
    client = client_for(world.member)
    listed = client.get("/api/research/datasets").json()
    assert [d["public_id"] for d in listed] == [str(dataset.public_id)]
    detail = client.get(f"/api/research/datasets/{dataset.public_id}").json()
    assert detail["row_count"] == 7
    assert sum(detail["summary"]["UN_COE_Region"].values()) == 7
    outsider = client_for(testing.member(world.org_b, "statistician", email="stats@b.example.org"))
    assert outsider.get(f"/api/research/datasets/{dataset.public_id}").status_code == 404
