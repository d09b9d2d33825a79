"""Importing HTCDS files: provenance, all or nothing, idempotence, rollback, explanations."""

import csv
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from pharos.audit.models import AuditEvent
from pharos.cases.models import StatusDecision, VictimCase
from pharos.imports import actions, report
from pharos.imports.models import ImportBatch
from pharos.persons.models import Person

HEADER = "record_id,prs_FirstName,prs_SecondName,prs_Birthdate,prs_Gender,prs_Citizenship,vic_TraffickingStatus,vic_YearOfRegistration,vic_TypeOfExploitation\n"


def cases(org):
    return VictimCase.objects.unscoped("test").filter(organisation=org)


def write(tmp_path: Path, text: str, name: str = "f.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_generated_file_imports_every_row_with_its_provenance(cast, generated):
    path = generated(60)
    rows = sum(1 for _ in csv.DictReader(path.open(encoding="utf-8")))
    outcome = actions.import_file(actor=None, organisation=cast.org_a, path=path)
    assert outcome.ok
    assert outcome.status == ImportBatch.Status.COMMITTED
    assert outcome.records_created == rows == cases(cast.org_a).count()
    case = cases(cast.org_a).get(external_id="R000000004")
    assert case.source_org == cast.org_a
    assert case.import_batch == outcome.batch.public_id
    assert case.source_row == 5  # the header is row 1
    assert case.source_file_sha256 == actions.file_sha256(path)
    assert case.person.first_name
    assert AuditEvent.objects.filter(action="imports.batch.committed").count() == 1


def test_a_dry_run_checks_every_row_and_changes_nothing(cast, generated):
    outcome = actions.import_file(actor=None, organisation=cast.org_a, path=generated(30), dry_run=True)
    assert outcome.ok
    assert outcome.rows_total > 0
    assert outcome.batch.status == ImportBatch.Status.PREVIEWED
    assert not cases(cast.org_a).exists()
    assert not Person.objects.unscoped("test").exists()


def test_importing_the_same_file_twice_changes_nothing(cast, generated):
    path = generated(20)
    first = actions.import_file(actor=None, organisation=cast.org_a, path=path)
    again = actions.import_file(actor=None, organisation=cast.org_a, path=path)
    assert again.status == "already_imported"
    assert again.batch == first.batch
    assert cases(cast.org_a).count() == first.records_created


def test_a_row_whose_record_id_is_held_already_is_skipped(cast, tmp_path):
    one = write(
        tmp_path, HEADER + "X1,Ana,Petrova,1990-01-02,Feminine,MK,ActualVictim,2020,ForcedLabour\n", "1.csv"
    )
    two = write(
        tmp_path,
        HEADER
        + "X1,Ana,Petrova,1990-01-02,Feminine,MK,ActualVictim,2020,ForcedLabour\n"
        + "X2,Ivan,Petrov,1991-01-02,Masculine,MK,PossibleVictim,2021,ForcedLabour\n",
        "2.csv",
    )
    actions.import_file(actor=None, organisation=cast.org_a, path=one)
    outcome = actions.import_file(actor=None, organisation=cast.org_a, path=two)
    assert (outcome.records_created, outcome.rows_skipped) == (1, 1)
    assert sorted(cases(cast.org_a).values_list("external_id", flat=True)) == ["X1", "X2"]


def test_one_rejected_row_imports_nothing_and_says_where_and_what_would_do(cast, tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "X1,Ana,Petrova,1990-01-02,Feminine,MK,ActualVictim,2020,ForcedLabour\n"
        + "X2,Ivan,Petrov,1991-01-02,Masculine,MK,PossibleVictim,2021,ForcedLabor\n",
    )
    outcome = actions.import_file(actor=None, organisation=cast.org_a, path=path)
    assert not outcome.ok
    assert outcome.rows_rejected == 1
    assert not cases(cast.org_a).exists()
    [row] = outcome.rejected
    [problem] = row.problems
    assert row.number == 3
    assert outcome.column_of(problem) == "vic_TypeOfExploitation"
    assert "ForcedLabour" in problem.suggestions
    assert outcome.batch.status == ImportBatch.Status.REJECTED


def test_the_report_highlights_and_explains_each_rejected_cell(cast, tmp_path):
    path = write(
        tmp_path,
        HEADER + 'X2,Ivan,=HYPERLINK("http://x"),1991-01-02,Masculine,MK,Victim,2021,ForcedLabour\n',
    )
    outcome = actions.import_file(actor=None, organisation=cast.org_a, path=path)
    assert not outcome.refused, outcome.refused
    buffer = io.BytesIO()
    report.write(outcome, buffer)
    assert buffer.getvalue()[:2] == b"PK", len(buffer.getvalue())
    buffer.seek(0)
    sheet = load_workbook(buffer)["Rejected rows"]
    headers = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=headers.index("prs_SecondName") + 1)
    assert cell.value == '=HYPERLINK("http://x")'
    assert cell.data_type == "s"
    assert "formula" in cell.comment.text
    assert cell.fill.fill_type == "solid"


def test_a_bad_status_is_explained_with_the_nearest_codes(cast, tmp_path):
    path = write(tmp_path, HEADER + "X2,Ivan,Petrov,1991-01-02,Masculine,MK,ActualVictm,2021,ForcedLabour\n")
    outcome = actions.import_file(actor=None, organisation=cast.org_a, path=path)
    [problem] = outcome.rejected[0].problems
    assert outcome.column_of(problem) == "vic_TraffickingStatus"
    assert problem.suggestions[0] == "ActualVictim"


def test_rollback_removes_the_batch_and_its_persons_and_is_audited(cast, generated, tmp_path):
    kept = actions.import_file(
        actor=None,
        organisation=cast.org_a,
        path=write(
            tmp_path, HEADER + "K1,Ana,Petrova,1990-01-02,Feminine,MK,ActualVictim,2020,ForcedLabour\n"
        ),
    )
    outcome = actions.import_file(actor=None, organisation=cast.org_a, path=generated(20))
    removed = actions.import_batch_rollback(actor=cast.owner, batch=outcome.batch)
    assert removed == outcome.records_created
    assert list(cases(cast.org_a).values_list("external_id", flat=True)) == ["K1"]
    assert Person.objects.unscoped("test").count() == 1
    assert not StatusDecision.objects.unscoped("test").filter(import_batch=outcome.batch.public_id).exists()
    assert outcome.batch.status == ImportBatch.Status.ROLLED_BACK
    assert AuditEvent.objects.filter(action="imports.batch.rolled_back").count() == 1
    with pytest.raises(actions.ImportError_):
        actions.import_batch_rollback(actor=cast.owner, batch=outcome.batch)
    assert kept.batch.status == ImportBatch.Status.COMMITTED


def test_a_rolled_back_file_can_be_imported_again(cast, generated):
    path = generated(10)
    first = actions.import_file(actor=None, organisation=cast.org_a, path=path)
    actions.import_batch_rollback(actor=None, batch=first.batch)
    again = actions.import_file(actor=None, organisation=cast.org_a, path=path)
    assert again.records_created == first.records_created


def test_xlsx_in_the_generator_layout_imports(cast, generated, tmp_path):
    source = generated(15)
    book = Workbook()
    sheet = book.active
    for row in csv.reader(source.open(encoding="utf-8")):
        sheet.append([int(v) if v.isdigit() and len(v) < 4 else v for v in row])
    path = tmp_path / "cases.xlsx"
    book.save(path)
    outcome = actions.import_file(actor=None, organisation=cast.org_a, path=path)
    assert outcome.ok, [r.problems for r in outcome.rejected]
    assert outcome.records_created == sum(1 for _ in csv.DictReader(source.open(encoding="utf-8")))


def test_common_spellings_of_sex_are_understood(cast, tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "G1,Ana,Petrova,1990-01-02,female,MK,ActualVictim,2020,ForcedLabour\n"
        + "G2,Ivan,Petrov,1991-01-02,M,MK,ActualVictim,2020,ForcedLabour\n",
    )
    assert actions.import_file(actor=None, organisation=cast.org_a, path=path).ok
    genders = dict(Person.objects.unscoped("test").values_list("first_name", "gender"))
    assert genders == {"Ana": "Feminine", "Ivan": "Masculine"}
