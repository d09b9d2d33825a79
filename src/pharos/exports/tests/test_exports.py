"""Exports: every format parses back with the expected columns and counts, scoped, audited, safe to open."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from pharos import testing
from pharos.audit.models import AuditEvent
from pharos.cases import actions
from pharos.cases.models import Defendant
from pharos.exports import formats
from pharos.exports.actions import ExportRefused, export_create
from pharos.tenancy import roles
from pharos.tenancy.access import resolve_acting, set_acting

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example","x")'


def acting(user):
    set_acting(user, resolve_acting(user, None))
    return user


def open_case(actor, org, *, status="ActualVictim", person=None, **facts):
    return actions.case_register(
        actor=actor,
        organisation=org,
        new_person=person,
        facts={"registered_on": datetime.date(2025, 3, 1), **facts},
        decision={"status": status, "decision_org_type": "NGO", "decided_on": datetime.date(2025, 3, 1)},
    )


@pytest.fixture
def data(cast):
    """Org A (MK): a girl (MK, sexual + labour), a man (DE, labour, name a formula), a non-victim (AL)."""
    testing.codelists()
    testing.country("DE")
    testing.country("AL")
    open_case(
        cast.owner,
        cast.org_a,
        person={"first_name": "Quokkarina", "gender": "Feminine", "citizenships": ["MK"]},
        age_at_identification=16,
        country_of_exploitation="MK",
        forms_of_exploitation=["SexualExploitation", "ForcedLabour"],
        means_of_control=["DebtBondage"],
        sex_exploitation_types=["Prostitution"],
    )
    open_case(
        cast.owner,
        cast.org_a,
        status="PossibleVictim",
        person={"first_name": FORMULA, "second_name": "Zed", "gender": "Masculine", "citizenships": ["DE"]},
        age_at_identification=30,
        country_of_exploitation="DE",
        forms_of_exploitation=["ForcedLabour"],
        labour_sector="F",
    )
    open_case(
        cast.owner,
        cast.org_a,
        status="NotAVictim",
        person={"first_name": "Nobody", "citizenships": ["AL"]},
    )
    open_case(cast.outsider, cast.org_b, person={"first_name": "Outsidera", "gender": "Feminine"})
    return cast


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV for Excel starts with a UTF-8 BOM"
    lines = raw.decode("utf-8-sig").splitlines()
    comments = [line for line in lines if line.startswith("#")]
    rows = list(csv.DictReader([line for line in lines if not line.startswith("#")]))
    return comments, rows


def export(user, fmt: str, tmp_path: Path) -> Path:
    path = tmp_path / f"out-{fmt}.{'xlsx' if fmt == 'htcds-xlsx' else 'csv'}"
    with path.open("wb") as target:
        export_create(actor=acting(user), fmt=fmt, target=target)
    return path


def counts(rows: list[dict[str, str]], table: str, **dims: str) -> int:
    return sum(
        int(r["OBS_VALUE"]) for r in rows if r["TABLE"] == table and all(r[k] == v for k, v in dims.items())
    )


def test_htcds_csv_has_htcds_columns_the_users_cases_and_neutralised_formulas(data, tmp_path) -> None:
    comments, rows = read_csv(export(data.owner, "htcds-csv", tmp_path))

    assert comments == []  # a case worker holds persons.view: nothing withheld
    assert list(rows[0]) == list(formats.HTCDS_COLUMNS)
    assert len(rows) == 3
    assert {r["prs_FirstName"] for r in rows} == {"Quokkarina", "'" + FORMULA, "Nobody"}
    girl = next(r for r in rows if r["prs_FirstName"] == "Quokkarina")
    assert girl["vic_TraffickingStatus"] == "ActualVictimOfTrafficking"
    assert girl["vic_TypeOfExploitation"] == "SexualExploitation;ForcedLabour"
    assert girl["prs_Citizenship"] == "MK"
    assert girl["vic_AgeAtIdentification"] == "16"


def test_an_outsiders_export_has_none_of_the_other_organisations_cases(data, tmp_path) -> None:
    _, rows = read_csv(export(data.outsider, "htcds-csv", tmp_path))

    assert [r["prs_FirstName"] for r in rows] == ["Outsidera"]
    assert all(r["pharos_Organisation"] == "org-b" for r in rows)


def test_without_persons_view_personal_fields_are_empty_and_the_file_says_so(
    data, tmp_path, monkeypatch
) -> None:
    monkeypatch.setitem(roles.GRANTS, roles.Role.STATISTICIAN, frozenset({"exports.run"}))
    stats = testing.member(data.org_a, "statistician", email="stats@a.example.org")

    comments, rows = read_csv(export(stats, "htcds-csv", tmp_path))

    assert len(rows) == 3
    assert all(r[c] == "" for r in rows for c in formats.PERSONAL_COLUMNS)
    assert "persons.view" in comments[0]
    text = (tmp_path / "out-htcds-csv.csv").read_text(encoding="utf-8-sig")
    assert "Quokkarina" not in text
    assert "HYPERLINK" not in text
    event = AuditEvent.objects.get(action="exports.export.created")
    assert event.data == {"format": "htcds-csv", "rows": 3, "personal_fields": False}


def test_xlsx_stores_a_formula_as_text_and_has_a_notes_sheet(data, tmp_path) -> None:
    from openpyxl import load_workbook

    path = export(data.owner, "htcds-xlsx", tmp_path)

    sheet = load_workbook(path)["data"]
    header = [c.value for c in sheet[1]]
    first_name = header.index("prs_FirstName") + 1
    cells = [sheet.cell(row=r, column=first_name) for r in range(2, sheet.max_row + 1)]
    evil = next(c for c in cells if c.value == FORMULA)
    assert evil.data_type == "s"  # a string cell: a spreadsheet shows it, never runs it
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["data", "notes"]
    rows = book.get_sheet_by_name("data").to_python()
    assert rows[0] == list(formats.HTCDS_COLUMNS)
    assert len(rows) == 4
    assert FORMULA in [row[first_name - 1] for row in rows]


def test_ctdc_uses_ctdc_columns_and_no_personal_field(data, tmp_path) -> None:
    _comments, rows = read_csv(export(data.owner, "ctdc", tmp_path))

    assert list(rows[0]) == list(formats.CTDC_COLUMNS)
    assert len(rows) == 2  # the non-victim is not a CTDC record
    girl, man = rows
    assert (girl["gender"], girl["ageBroad"], girl["citizenship"]) == ("Woman", "9--17", "MKX")
    assert (girl["isSexualExploit"], girl["isForcedLabour"], girl["isOtherExploit"]) == ("1", "1", "")
    assert (girl["meansDebtBondageEarnings"], girl["typeOfSexProstitution"]) == ("1", "1")
    assert (man["gender"], man["ageBroad"], man["typeOfLabourConstruction"]) == ("Man", "30--38", "1")
    text = (tmp_path / "out-ctdc.csv").read_text(encoding="utf-8-sig")
    assert "Quokkarina" not in text
    assert "HYPERLINK" not in text


def test_hxl_has_a_hashtag_row_and_counts(data, tmp_path) -> None:
    lines = export(data.owner, "hxl", tmp_path).read_text(encoding="utf-8-sig")
    header, tags, *body = list(csv.reader(lines.splitlines()))

    assert header[0] == "Year"
    assert tags[0] == "#date+year"
    assert all(tag.startswith("#") for tag in tags)
    by_form = {(r[2], r[3]): r for r in body}
    assert by_form[("MK", "ForcedLabour")][4:] == ["1", "1", "0", "1", "0"]
    assert by_form[("DE", "ForcedLabour")][4:] == ["1", "0", "1", "0", "1"]
    assert by_form[("MK", "SexualExploitation")][4] == "1"
    assert len(body) == 3


def test_eurostat_tables_count_registered_victims_by_sex_age_citizenship_and_form(data, tmp_path) -> None:
    _, rows = read_csv(export(data.owner, "eurostat", tmp_path))

    assert list(rows[0]) == [*formats.EUROSTAT_DIMENSIONS, "OBS_VALUE"]
    assert counts(rows, "VICT_SEX") == 2  # identified + presumed; "not a victim" is not counted
    assert counts(rows, "VICT_SEX", SEX="F", VICT_STAT="identified") == 1
    assert counts(rows, "VICT_SEX", SEX="M", VICT_STAT="presumed") == 1
    assert counts(rows, "VICT_AGE_SEX", AGE="Y_LT18") == 1
    assert counts(rows, "VICT_CITIZEN", CITIZEN="NAT") == 1
    assert counts(rows, "VICT_CITIZEN", CITIZEN="EU27_2020_FOR") == 1
    assert counts(rows, "VICT_EXPLOIT", EXPLOIT="labour") == 2
    assert counts(rows, "VICT_EXPLOIT", EXPLOIT="sexual") == 1
    assert {r["GEO"] for r in rows} == {"MK"}
    assert {r["TIME_PERIOD"] for r in rows} == {"2025"}


def test_unodc_and_sdmx_aggregates(data, tmp_path) -> None:
    _, unodc = read_csv(export(data.owner, "unodc", tmp_path))
    sdmx_lines = export(data.owner, "sdmx", tmp_path).read_text(encoding="utf-8-sig").splitlines()
    sdmx = list(csv.DictReader(sdmx_lines))

    assert counts(unodc, "VICTIMS_AGE_SEX", AGE_SEX="girls") == 1
    assert counts(unodc, "VICTIMS_AGE_SEX", AGE_SEX="men") == 1
    assert counts(unodc, "VICTIMS_FORM", FORM="forced_labour") == 2
    assert counts(unodc, "VICTIMS_CITIZENSHIP", CITIZENSHIP="DE") == 1
    assert sdmx_lines[0].startswith("DATAFLOW,")
    assert sdmx_lines[0].endswith(",OBS_VALUE")
    assert {r["DATAFLOW"] for r in sdmx} == {formats.SDMX_DATAFLOW}
    assert counts(sdmx, "VICT_SEX") == 2


def test_offenders_are_counted_only_for_a_user_who_sees_criminal_justice_records(data, tmp_path) -> None:
    police = testing.member(data.org_a, "law_enforcement", email="police@a.example.org")
    suspect = actions.suspect_register(
        actor=police, organisation=data.org_a, values={"sex": "male", "citizenships": ["AL"]}
    )
    proceeding = actions.proceeding_record(
        actor=police, organisation=data.org_a, values={"stage": "trial"}, suspects=[suspect]
    )
    defendant = Defendant.objects.unscoped("test").get(proceeding=proceeding)
    actions.defendant_outcome_record(
        actor=police,
        defendant=defendant,
        values={"outcome": "convicted", "decided_on": datetime.date(2025, 9, 1)},
    )

    _, rows = read_csv(export(police, "eurostat", tmp_path))
    (tmp_path / "worker").mkdir()
    comments, worker_rows = read_csv(export(data.owner, "eurostat", tmp_path / "worker"))
    _, unodc = read_csv(export(police, "unodc", tmp_path))

    assert counts(rows, "OFFENDERS_SEX", SEX="M", LEG_STAT="convicted", TIME_PERIOD="2025") == 1
    assert counts(rows, "OFFENDERS_SEX", LEG_STAT="prosecuted") == 1
    assert counts(rows, "OFFENDERS_SEX", LEG_STAT="suspected") == 1
    assert counts(unodc, "CONVICTED_CITIZENSHIP", CITIZENSHIP="AL") == 1
    assert counts(worker_rows, "OFFENDERS_SEX") == 0
    assert any("justice.view" in c for c in comments)


def test_the_export_is_audited_without_values(data, tmp_path) -> None:
    export(data.owner, "htcds-csv", tmp_path)

    event = AuditEvent.objects.get(action="exports.export.created")
    assert event.data == {"format": "htcds-csv", "rows": 3, "personal_fields": True}
    assert event.actor == data.owner
    assert event.organisation == data.org_a
    assert "Quokkarina" not in str(event.data)


def test_a_user_without_exports_run_is_refused(data, tmp_path) -> None:
    trainer = testing.member(data.org_a, "trainer", email="trainer@a.example.org")

    with pytest.raises(ExportRefused):
        export(trainer, "ctdc", tmp_path)
    assert (tmp_path / "out-ctdc.csv").read_bytes() == b""
    assert not AuditEvent.objects.filter(action="exports.export.created").exists()


def test_the_command_writes_the_file_and_refuses_clearly(data, tmp_path, capsys) -> None:
    out = tmp_path / "cases.csv"

    call_command("export", "htcds-csv", "--org", "org-a", "--out", str(out), "--user", "owner@a.example.org")

    assert "Wrote 3 rows" in capsys.readouterr().out
    assert len(read_csv(out)[1]) == 3
    with pytest.raises(CommandError, match="may not export"):
        call_command(
            "export", "ctdc", "--org", "org-a", "--out", str(out), "--user", "outsider@b.example.org"
        )
    with pytest.raises(CommandError, match="does not exist"):
        call_command(
            "export",
            "ctdc",
            "--org",
            "org-a",
            "--out",
            str(tmp_path / "no" / "x.csv"),
            "--user",
            "owner@a.example.org",
        )


def test_the_export_page_downloads_the_chosen_format(data, client_for) -> None:
    client = client_for(data.owner)

    page = client.get(reverse("exports:export"))
    response = client.post(reverse("exports:export"), {"format": "htcds-xlsx"})
    invalid = client.post(reverse("exports:export"), {"format": "pdf"})

    assert page.status_code == 200
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="pharos-org-a-htcds-xlsx-')
    assert response["Cache-Control"] == "no-store"
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert len(book.get_sheet_by_name("data").to_python()) == 4
    assert invalid.status_code == 200
    assert AuditEvent.objects.filter(action="exports.export.created").count() == 1


def test_the_api_answers_the_callers_organisation_only(data, client_for) -> None:
    response = client_for(data.outsider).get("/api/exports/htcds-csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert "Outsidera" in body
    assert "Quokkarina" not in body
