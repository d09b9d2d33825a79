"""Hostile and odd files: a clear refusal, nothing changed, never a traceback."""

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from pharos import testing
from pharos.audit.models import AuditEvent
from pharos.cases.models import VictimCase
from pharos.imports import actions, reading
from pharos.persons.models import Person

HEADER = "record_id;prs_FirstName;prs_SecondName;prs_Birthdate;prs_Citizenship;vic_TraffickingStatus;vic_YearOfRegistration\n"


def run(cast, path: Path) -> actions.Outcome:
    return actions.import_file(actor=None, organisation=cast.org_a, path=path)


def nothing_changed(cast) -> bool:
    return not VictimCase.objects.unscoped("test").exists() and not Person.objects.unscoped("test").exists()


def xlsx(tmp_path: Path, rows: list[list[str]], name: str = "f.xlsx") -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / name
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"\n\n \n", "no rows"),
        (HEADER.encode(), "no data rows"),
        (b"\x00\x01\x02binary\x00", "NUL"),
        (b"just,some,words\nand,more,words\n", "No column"),
    ],
)
def test_empty_or_meaningless_files_are_refused(cast, tmp_path, content, reason):
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    outcome = run(cast, path)
    assert reason in outcome.refused
    assert nothing_changed(cast)
    assert AuditEvent.objects.filter(action="imports.batch.refused").count() == 1


def test_an_oversized_file_is_refused_before_reading(cast, tmp_path, settings):
    settings.PHAROS_IMPORT_MAX_BYTES = 100
    path = tmp_path / "f.csv"
    path.write_text(HEADER + "X1;Ana;Petrova;1990-01-02;MK;ActualVictim;2020\n" * 5)
    assert "not imported" in run(cast, path).refused
    assert nothing_changed(cast)


def test_a_zip_bomb_is_refused_before_it_is_opened(cast, tmp_path):
    path = xlsx(tmp_path, [["vic_TraffickingStatus"], ["ActualVictim"]])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (20 * 1024 * 1024))
    assert "zip bomb" in run(cast, path).refused
    assert nothing_changed(cast)


def test_a_spreadsheet_too_large_once_unpacked_is_refused(cast, tmp_path, settings):
    settings.PHAROS_IMPORT_MAX_UNCOMPRESSED = 1000
    path = xlsx(tmp_path, [["vic_TraffickingStatus"], ["ActualVictim"]])
    assert "once unpacked" in run(cast, path).refused


_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def _with_entities(path: Path, out: Path) -> Path:
    """The same workbook with a DTD that expands the text BOOM into a thousand words."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if b">BOOM<" in data:
                text = data.decode()
                if text.startswith("<?xml"):
                    text = text[text.index("?>") + 2 :]
                data = (_LAUGHS + text.replace(">BOOM<", ">&lol3;<")).encode()
            dst.writestr(item, data)
    return out


def test_xml_entities_in_a_spreadsheet_are_refused(cast, tmp_path):
    book = Workbook()
    book.active.append(["vic_TraffickingStatus", "prs_FirstName"])
    book.active.append(["ActualVictim", "BOOM"])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    path = _with_entities(plain, tmp_path / "laughs.xlsx")
    assert "XML entities" in run(cast, path).refused
    assert nothing_changed(cast)


def test_a_dtd_hidden_behind_a_long_comment_is_still_refused(cast, tmp_path):
    """The check reads each XML part to its end, not only its first bytes."""
    book = Workbook()
    book.active.append(["vic_TraffickingStatus", "prs_FirstName"])
    book.active.append(["ActualVictim", "BOOM"])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    hidden = tmp_path / "hidden.xlsx"
    laughs = _with_entities(plain, tmp_path / "laughs.xlsx")
    with zipfile.ZipFile(laughs) as src, zipfile.ZipFile(hidden, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if b"<!DOCTYPE" in data:
                data = data.replace(b"?><!DOCTYPE", b"?><!--" + b" padding" * 2000 + b"--><!DOCTYPE", 1)
            dst.writestr(item, data)
    assert "XML entities" in run(cast, hidden).refused
    assert nothing_changed(cast)


def test_the_ods_reader_itself_refuses_a_dtd(tmp_path):
    """Defence in depth: past the archive check, the streaming ODS parser still refuses a DTD."""
    from pharos.imports import sheets

    path = ods(tmp_path / "f.ods", f"<table:table-row>{_cell('&lol3;')}</table:table-row>")
    with zipfile.ZipFile(path) as src:
        content = src.read("content.xml").decode()
    with zipfile.ZipFile(path, "w") as dst:
        dst.writestr("content.xml", _LAUGHS + content[content.index("?>") + 2 :])
    with pytest.raises(sheets.SheetError):
        list(sheets.ods_rows(path))


def test_a_damaged_spreadsheet_is_refused(cast, tmp_path):
    path = tmp_path / "f.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert "damaged" in run(cast, path).refused or "not an XLSX" in run(cast, path).refused


def test_a_file_that_breaks_its_utf8_half_way_is_refused(cast, tmp_path):
    good = HEADER + "X1;Ана;Петрова;1990-01-02;MK;ActualVictim;2020\n"
    padding = "".join(f"X{i};Ана;Петрова;1990-01-02;MK;ActualVictim;2020\n" for i in range(2, 3000))
    path = tmp_path / "f.csv"
    path.write_bytes((good + padding).encode() + "X9;Ана;\n".encode("cp1251"))
    outcome = run(cast, path)
    assert "broken encoding" in outcome.refused
    assert nothing_changed(cast)


@pytest.mark.parametrize(
    "cell", ["=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", '=HYPERLINK("http://evil")']
)
def test_cells_starting_a_formula_are_rejected_and_not_imported(cast, tmp_path, cell):
    path = tmp_path / "f.csv"
    path.write_text(HEADER + f"X1;Ana;{cell};1990-01-02;MK;ActualVictim;2020\n", encoding="utf-8")
    outcome = run(cast, path)
    [problem] = outcome.rejected[0].problems
    assert problem.code == "formula"
    assert outcome.column_of(problem) == "prs_SecondName"
    assert nothing_changed(cast)


@pytest.mark.parametrize(
    ("birth", "year", "column"),
    [
        ("1800-01-01", "2020", "prs_Birthdate"),
        ("2999-02-03", "2020", "prs_Birthdate"),
        ("1990-02-30", "2020", "prs_Birthdate"),
        ("1990-01-02", "9999", "vic_YearOfRegistration"),
        ("1990-01-02", "1066", "vic_YearOfRegistration"),
    ],
)
def test_absurd_dates_are_rejected(cast, tmp_path, birth, year, column):
    path = tmp_path / "f.csv"
    path.write_text(HEADER + f"X1;Ana;Petrova;{birth};MK;ActualVictim;{year}\n", encoding="utf-8")
    outcome = run(cast, path)
    assert [outcome.column_of(p) for p in outcome.rejected[0].problems] == [column]
    assert nothing_changed(cast)


# --- encodings and delimiters ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "first", "second"),
    [
        ("utf-8", "Ана", "Петрова"),
        ("utf-8-sig", "José", "Müller"),
        ("cp1251", "Ана", "Петрова"),
        ("latin-1", "José", "Müller"),
    ],
)
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_encodings_and_delimiters_are_detected(cast, tmp_path, encoding, first, second, delimiter):
    header = HEADER.replace(";", delimiter)
    text = header + delimiter.join(["X1", first, second, "1990-01-02", "MK", "ActualVictim", "2020"]) + "\n"
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode(encoding))
    outcome = run(cast, path)
    assert outcome.ok, outcome.refused or [r.problems for r in outcome.rejected]
    person = Person.objects.unscoped("test").get()
    assert (person.first_name, person.second_name) == (first, second)


def test_encoding_detection_order():
    assert reading.detect_encoding("Петрова".encode("cp1251")) == "cp1251"
    assert reading.detect_encoding("Müller, José".encode("latin-1")) == "latin-1"
    assert reading.detect_encoding(b"\xef\xbb\xbfa,b") == "utf-8-sig"
    assert reading.detect_encoding("Петрова".encode()) == "utf-8"


def test_the_htcds_template_with_its_misspelt_header_imports(cast, tmp_path):
    from openpyxl import load_workbook

    testing.country("AL")
    book = load_workbook("/work/shared/reference/htcds/HTCDS Excel Spreadsheet v2.0.xlsx")
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    values = {
        "prs_FirstName": "Ana",
        "prs_SecondName": "Hoxha",
        "prs_Citizenship": "AL",
        "vic_TraffickingStatus": "ActualVictimOfTrafficking",
        "vic_TraffickinStatusDecisionMakingOrg": "Police",
        "vic_TypeOfExploitation": "SexualExploitation",
    }
    for name, value in values.items():
        sheet.cell(row=3, column=headers.index(name) + 1, value=value)
    path = tmp_path / "template.xlsx"
    book.save(path)
    outcome = run(cast, path)
    # The template has no registration date: the row is rejected for it, and only for it.
    assert (
        outcome.mapping["vic_TraffickinStatusDecisionMakingOrg"] == "vic_TraffickingStatusDecisionMakingOrg"
    )
    assert outcome.rows_total == 1
    assert [p.field for p in outcome.rejected[0].problems] == ["registered_on"]


def test_hxl_hashtags_map_columns_with_unknown_headers(cast, tmp_path):
    text = (
        "Nom,Prénom,Statut,Année\n"
        "#affected+name+last,#affected+name+first,#status+trafficking,#date+year\n"
        "Petrova,Ana,ActualVictim,2020\n"
    )
    path = tmp_path / "f.csv"
    path.write_text(text, encoding="utf-8")
    outcome = run(cast, path)
    assert outcome.mapping == {
        "Nom": "prs_SecondName",
        "Prénom": "prs_FirstName",
        "Statut": "vic_TraffickingStatus",
        "Année": "vic_YearOfRegistration",
    }
    assert outcome.records_created == 1


def ods(path: Path, rows: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="S">'
        f"{rows}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>',
        )
    return path


def _cell(text: str, attributes: str = "") -> str:
    return (
        f'<table:table-cell office:value-type="string"{attributes}><text:p>{text}</text:p></table:table-cell>'
    )


def test_ods_is_read(tmp_path):
    trailing = (
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    rows = (
        f"<table:table-row>{_cell('vic_TraffickingStatus')}</table:table-row>"
        f"<table:table-row>{_cell('ActualVictim')}</table:table-row>{trailing}"
    )
    path = ods(tmp_path / "f.ods", rows)
    assert reading.kind_of(path) == "ods"
    assert list(reading.rows(path)) == [["vic_TraffickingStatus"], ["ActualVictim"]]


def test_an_ods_repeating_a_filled_cell_millions_of_times_is_refused(cast, tmp_path):
    bomb = (
        f'<table:table-row table:number-rows-repeated="1000000">'
        f"{_cell('x', ' table:number-columns-repeated="1000"')}</table:table-row>"
    )
    rows = f"<table:table-row>{_cell('vic_TraffickingStatus')}</table:table-row>{bomb}"
    assert "more than can be read safely" in run(cast, ods(tmp_path / "f.ods", rows)).refused
    assert nothing_changed(cast)


def test_a_sheet_spanning_a_huge_range_is_refused_before_it_is_read(cast, tmp_path):
    """Two cells far apart would make the reader fill 17 billion cells in memory."""
    path = xlsx(tmp_path, [["vic_TraffickingStatus"], ["ActualVictim"]])
    out = tmp_path / "far.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
                data = data.replace(b"</sheetData>", far + b"</sheetData>")
            dst.writestr(item, data)
    assert "more than can be read safely" in run(cast, out).refused
    assert nothing_changed(cast)
