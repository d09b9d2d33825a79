"""Submissions of the HTCDS XLSForm from ODK Central and KoboToolbox (CSV and JSON).

Every file here is built from IOM's real XLSForm (its survey and choices sheets) by
``xlsform_fixtures``, laid out as each platform exports it.
"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from pharos import testing
from pharos.cases.models import VictimCase
from pharos.imports import actions, report, submissions
from pharos.imports.tests import xlsform_fixtures as fx

pytestmark = pytest.mark.django_db


@pytest.fixture
def form():
    testing.country("MK")
    testing.country("AL")
    return fx.read_form()


def cases(org):
    return VictimCase.objects.unscoped("test").filter(organisation=org)


def save(tmp_path: Path, content: bytes, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def three(form):
    return [
        (fx.instance_id(), fx.answers(form)),
        (fx.instance_id(), fx.answers(form, prs_First_Name="Ivan", prs_Gender=form.names("gender")[1])),
        (fx.instance_id(), fx.answers(form, prs_Citizenship="AL", vic_TypeOfExploitation="ForcedMarriage")),
    ]


@pytest.mark.skipif(not fx.SHARED_FORM.exists(), reason="needs ../shared (IOM's published form)")
def test_the_form_shipped_with_pharos_is_ioms_form_unchanged():
    assert fx.VENDORED_FORM.read_bytes() == fx.SHARED_FORM.read_bytes()


def test_the_form_is_read_with_its_fields_and_choices():
    form = submissions.htcds_form()
    assert form.questions["vic_TypeOfExploitation"].kind == "select_multiple"
    assert form.questions["prs_Gender"].list_name == "gender"
    assert "DebtBondage" in form.choices["methodsofcontrol"]  # the form writes "DebtBondage " with a space
    assert form.choice_list("typeofexploitation", "Forced Labour ForcedMarriage") == [
        "ForcedLabour",
        "ForcedMarriage",
    ]


def test_an_odk_central_csv_imports_every_submission(cast, form, tmp_path):
    sent = three(form)
    path = save(tmp_path, fx.odk_central_csv(form, sent), "htcds.csv")
    outcome = actions.import_file(actor=None, organisation=cast.org_a, path=path)
    assert outcome.ok, outcome.rejected_cells()
    assert outcome.records_created == 3
    first = cases(cast.org_a).get(external_id=sent[0][0])
    assert first.person.first_name == "Ana"
    assert first.person.citizenships == ["MK"]
    assert first.trafficking_status == "ActualVictim"
    assert sorted(first.forms_of_exploitation) == ["ForcedLabour", "SexualExploitation"]
    assert str(first.registered_on) == "2024-03-05"  # the day the form was started
    assert first.source_row == 2
    assert cases(cast.org_a).get(external_id=sent[2][0]).forms_of_exploitation == ["ForcedMarriage"]


def test_odk_group_paths_and_kobo_labels_with_split_columns_are_understood(cast, form, tmp_path):
    grouped = {
        "prs_First_Name": "person",
        "prs_Second_Name": "person",
        "vic_TraffickingStatus": "victim-status",
    }
    sent = three(form)
    odk = save(tmp_path, fx.odk_central_csv(form, sent[:1], groups=grouped), "odk.csv")
    kobo = save(tmp_path, fx.kobo_csv(form, sent[1:], labels=True), "kobo.csv")
    assert actions.import_file(actor=None, organisation=cast.org_a, path=odk).records_created == 1
    outcome = actions.import_file(actor=None, organisation=cast.org_a, path=kobo)
    assert outcome.ok, outcome.rejected_cells()
    assert outcome.records_created == 2
    ivan = cases(cast.org_a).get(external_id=sent[1][0])  # Kobo's _uuid has no "uuid:": same id
    assert ivan.person.first_name == "Ivan"
    assert sorted(ivan.forms_of_exploitation) == ["ForcedLabour", "SexualExploitation"]
    assert cases(cast.org_a).get(external_id=sent[0][0]).person.first_name == "Ana"


def test_kobo_api_json_imports(cast, form, tmp_path):
    sent = three(form)
    path = save(tmp_path, fx.kobo_json(form, sent, groups={"prs_First_Name": "person"}), "data.json")
    outcome = actions.import_file(actor=None, organisation=cast.org_a, path=path)
    assert outcome.ok, outcome.rejected_cells()
    assert set(cases(cast.org_a).values_list("external_id", flat=True)) == {i for i, _v in sent}


def test_the_same_submissions_in_another_file_change_nothing(cast, form, tmp_path):
    sent = three(form)
    actions.import_file(
        actor=None, organisation=cast.org_a, path=save(tmp_path, fx.odk_central_csv(form, sent), "a.csv")
    )
    again = actions.import_file(
        actor=None, organisation=cast.org_a, path=save(tmp_path, fx.kobo_json(form, sent), "b.json")
    )
    assert again.ok
    assert again.records_created == 0
    assert again.rows_skipped == 3
    assert cases(cast.org_a).count() == 3


def test_an_edited_submission_is_recognised_as_the_record_already_held(cast, form, tmp_path):
    original = fx.instance_id()
    actions.import_file(
        actor=None,
        organisation=cast.org_a,
        path=save(tmp_path, fx.kobo_json(form, [(original, fx.answers(form))]), "v1.json"),
    )
    edited, edited_again = fx.instance_id(), fx.instance_id()
    changed = fx.answers(form, prs_First_Name="Anna")
    # Kobo marks the edit with meta/deprecatedID; ODK Central keeps the first id in KEY.
    kobo = fx.kobo_json(form, [(edited, changed)], deprecated={edited: original})
    odk = fx.odk_central_csv(form, [(edited_again, changed)], keys={edited_again: original})
    for name, content in (("v2.json", kobo), ("v3.csv", odk)):
        outcome = actions.import_file(actor=None, organisation=cast.org_a, path=save(tmp_path, content, name))
        assert (outcome.records_created, outcome.rows_skipped) == (0, 1)
    case = cases(cast.org_a).get()
    assert case.external_id == original
    assert case.person.first_name == "Ana"  # an edit is not applied over the held case


PLANTED = {
    2: ("vic_TraffickingStatus", "ActualVictimOfTraffickng"),
    3: ("vic_TypeOfExploitation", "ForcedLabor"),
    4: ("prs_Birthdate", "1990-13-45"),
    5: ("prs_First_Name", '=HYPERLINK("http://x")'),
}


def planted_file(form, tmp_path: Path) -> Path:
    sent = [(fx.instance_id(), fx.answers(form, **{column: value})) for column, value in PLANTED.values()]
    sent.append((fx.instance_id(), fx.answers(form)))  # row 6 is fine
    return save(tmp_path, fx.odk_central_csv(form, sent), "planted.csv")


def test_the_report_names_every_planted_error_by_row_and_column(cast, form, tmp_path):
    outcome = actions.import_file(actor=None, organisation=cast.org_a, path=planted_file(form, tmp_path))
    assert outcome.rows_rejected == 4
    assert not cases(cast.org_a).exists()
    found = {(row, column) for row, column, _problem in outcome.rejected_cells()}
    assert found == {(row, column) for row, (column, _value) in PLANTED.items()}
    buffer = io.BytesIO()
    report.write(outcome, buffer)
    problems = load_workbook(buffer)["Problems"]
    listed = {(int(r[0].value), r[1].value) for r in problems.iter_rows(min_row=2)}
    assert listed == set(found)
    status = next(p for row, _c, p in outcome.rejected_cells() if row == 2)
    assert "ActualVictim" in status.suggestions


def test_a_person_who_did_not_consent_is_never_imported(cast, form, tmp_path):
    sent = [
        (fx.instance_id(), fx.answers(form)),
        (fx.instance_id(), fx.answers(form, con_Consent="FALSE", prs_First_Name="Refusing")),
        (fx.instance_id(), fx.answers(form, con_Consent="")),  # unanswered: the question is optional
    ]
    path = save(tmp_path, fx.odk_central_csv(form, sent), "consent.csv")
    outcome = actions.import_file(actor=None, organisation=cast.org_a, path=path)
    assert [(row, column) for row, column, _p in outcome.rejected_cells()] == [(3, "con_Consent")]
    problem = outcome.rejected_cells()[0][2]
    assert "did not consent" in problem.message
    assert "Refusing" not in str(problem.as_dict())
    assert not cases(cast.org_a).exists()  # all or nothing: the batch waits for the row to go

    del sent[1]
    outcome = actions.import_file(
        actor=None, organisation=cast.org_a, path=save(tmp_path, fx.odk_central_csv(form, sent), "ok.csv")
    )
    assert outcome.ok, outcome.rejected_cells()
    assert outcome.records_created == 2


def test_a_submission_without_an_instance_id_refuses_the_file(cast, form, tmp_path):
    path = save(tmp_path, fx.odk_central_csv(form, [("", fx.answers(form))]), "noid.csv")
    outcome = actions.import_file(actor=None, organisation=cast.org_a, path=path)
    assert "instanceID" in outcome.refused
    assert not cases(cast.org_a).exists()


def test_json_that_is_not_a_submissions_export_is_refused(cast, tmp_path):
    path = save(tmp_path, b'{"hello": "world"}', "x.json")
    outcome = actions.import_file(actor=None, organisation=cast.org_a, path=path)
    assert "KoboToolbox" in outcome.refused


def test_an_ordinary_htcds_file_is_not_taken_for_submissions(generated):
    headers = generated(3).read_text(encoding="utf-8").splitlines()[0].split(",")
    assert submissions.plan_for(headers, submissions.htcds_form()) is None


def test_the_command_line_imports_a_kobo_json_and_names_planted_errors(cast, form, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import",
        str(save(tmp_path, fx.kobo_json(form, three(form)), "k.json")),
        org=cast.org_a.code,
        stdout=out,
        stderr=err,
    )
    assert "imported: 3" in out.getvalue()
    with pytest.raises(SystemExit) as exited:
        call_command("import", str(planted_file(form, tmp_path)), org=cast.org_a.code, stdout=out, stderr=err)
    assert exited.value.code == 1
    assert "Row 2, column vic_TraffickingStatus" in err.getvalue()
    assert "Row 3, column vic_TypeOfExploitation" in err.getvalue()
    assert cases(cast.org_a).count() == 3


def test_the_upload_page_takes_an_odk_export(cast, form, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "submissions.csv", fx.odk_central_csv(form, three(form)), content_type="text/csv"
    )
    response = client_for(cast.owner).post("/imports/upload/", {"file": upload, "action": "import"})
    assert response.status_code == 200
    assert cases(cast.org_a).count() == 3
