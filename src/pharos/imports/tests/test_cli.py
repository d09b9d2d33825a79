"""``pharos import``: a summary, the rejected cells, non-zero exit, a report, rollback."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from pharos.cases.models import VictimCase
from pharos.imports.models import ImportBatch, ImportMapping
from pharos.jobs.models import Job

HEADER = "record_id,prs_FirstName,prs_SecondName,vic_TraffickingStatus,vic_YearOfRegistration\n"


def pharos_import(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=err, **options)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def cases():
    return VictimCase.objects.unscoped("test")


def test_a_good_file_imports_and_says_so(cast, generated):
    code, out, _err = pharos_import(str(generated(25)), org=cast.org_a.code)
    assert code == 0
    assert "rejected: 0" in out
    assert "Imported as batch" in out
    assert cases().count() > 0
    job = Job.objects.unscoped("test").get()
    assert job.kind == "imports.file"
    assert job.result["created"] == cases().count()


def test_rejected_rows_exit_non_zero_name_the_cells_and_write_a_report(cast, tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(HEADER + "A1,Ana,Petrova,ActualVictm,2020\nA2,Ivan,Petrov,ActualVictim,9999\n")
    report = tmp_path / "report.xlsx"
    code, out, err = pharos_import(str(path), org=cast.org_a.code, report=str(report))
    assert code == 1
    assert "rejected: 2" in out
    assert "Row 2, column vic_TraffickingStatus" in err
    assert "ActualVictim" in err
    assert "Row 3, column vic_YearOfRegistration" in err
    assert not cases().exists()
    sheet = load_workbook(report)["Rejected rows"]
    assert [sheet.cell(row=r, column=1).value for r in (2, 3)] == [2, 3]


def test_a_refused_file_exits_non_zero_without_a_traceback(cast, tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"")
    code, _out, err = pharos_import(str(path), org=cast.org_a.code)
    assert code == 1
    assert "Refused: The file is empty." in err
    assert "Traceback" not in err


def test_dry_run_then_import_then_rollback(cast, generated):
    path = str(generated(10))
    code, out, _err = pharos_import(path, org=cast.org_a.code, dry_run=True)
    assert code == 0
    assert "Checked as batch" in out
    assert not cases().exists()
    pharos_import(path, org=cast.org_a.code)
    batch = ImportBatch.objects.unscoped("test").get(status=ImportBatch.Status.COMMITTED)
    code, out, _err = pharos_import("rollback", str(batch.public_id))
    assert code == 0
    assert "cases removed" in out
    assert not cases().exists()


def test_a_saved_mapping_is_reused_for_the_next_file(cast, tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("Ref,Given,Family,Status,Year\nB1,Ana,Petrova,ActualVictim,2020\n")
    # Nothing in these headers says what they are: refused.
    code, _out, err = pharos_import(str(path), org=cast.org_a.code)
    assert code == 1
    assert "No column" in err
    ImportMapping.objects.create(
        organisation=cast.org_a,
        name="ngo-x",
        columns={
            "Ref": "record_id",
            "Given": "prs_FirstName",
            "Family": "prs_SecondName",
            "Status": "vic_TraffickingStatus",
            "Year": "vic_YearOfRegistration",
        },
    )
    code, _out, _err = pharos_import(str(path), org=cast.org_a.code, mapping="ngo-x")
    assert code == 0
    assert cases().get().external_id == "B1"


def test_save_mapping_stores_the_mapping_used(cast, generated):
    pharos_import(str(generated(5)), org=cast.org_a.code, dry_run=True, save_mapping="generator")
    saved = ImportMapping.objects.unscoped("test").get(name="generator")
    assert saved.columns["prs_FirstName"] == "prs_FirstName"


@pytest.mark.parametrize("args", [("rollback",), ("rollback", "nope"), ("a.csv", "b.csv")])
def test_usage_errors_are_explained(cast, args):
    with pytest.raises(CommandError):
        call_command("import", *args, org=cast.org_a.code, stdout=io.StringIO(), stderr=io.StringIO())


def test_an_unknown_organisation_is_an_error(tmp_path):
    with pytest.raises(CommandError):
        call_command("import", str(Path(tmp_path / "x.csv")), org="nope", stdout=io.StringIO())
