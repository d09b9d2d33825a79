"""Large files stream: the readers yield rows as they parse, and an import holds one chunk.

No timing: the tests count what was read from the archive and how far the reader ran ahead
of the writes.
"""

import csv
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from pharos.audit.models import AuditEvent
from pharos.cases.models import VictimCase
from pharos.imports import actions, reading

ROWS = 3000
SHAREDIR = Path(__file__).resolve().parents[4].parent / "shared" / "reference" / "htcds"


def _table(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def as_xlsx(table: list[list[str]], path: Path) -> Path:
    book = Workbook()  # not write-only: that writes no <dimension>, which Excel always writes
    for row in table:
        book.active.append(row)
    book.save(path)
    return path


def as_ods(table: list[list[str]], path: Path) -> Path:
    body = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p></table:table-cell>'
            if v
            else "<table:table-cell/>"
            for v in row
        )
        + "</table:table-row>"
        for row in table
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="S">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return path


@pytest.fixture
def big(generated, tmp_path):
    """The same generated rows as CSV, XLSX and ODS."""
    path = generated(ROWS)
    table = _table(path)
    return {
        "csv": path,
        "xlsx": as_xlsx(table, tmp_path / "cases.xlsx"),
        "ods": as_ods(table, tmp_path / "cases.ods"),
        "table": table,
    }


@pytest.mark.parametrize(("kind", "member"), [("xlsx", "xl/worksheets/sheet1.xml"), ("ods", "content.xml")])
def test_a_spreadsheet_reader_yields_rows_before_it_has_read_the_sheet(big, monkeypatch, kind, member):
    """The first rows come out while most of the sheet's XML is still unread in the zip."""
    from pharos.imports import sheets

    with zipfile.ZipFile(big[kind]) as archive:
        size = archive.getinfo(member).file_size
    read = {"bytes": 0}
    original = zipfile.ZipExtFile.read

    def counting(self, n=-1):
        data = original(self, n)
        if self.name == member:
            read["bytes"] += len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting)
    rows = sheets.xlsx_rows(big[kind]) if kind == "xlsx" else sheets.ods_rows(big[kind])
    first = [next(rows) for _ in range(10)]
    assert first[0][:2] == big["table"][0][:2]
    assert first[9][0] == big["table"][9][0]
    assert read["bytes"] < size / 4  # a few blocks, not the sheet
    rest = list(rows)
    assert read["bytes"] >= size
    assert len(first) + len(rest) == len(big["table"])
    assert rest[-1][0] == big["table"][-1][0]


def test_an_import_holds_one_chunk_of_rows_at_a_time(cast, big, monkeypatch):
    """The reader never runs more than a chunk ahead of what has been written."""
    monkeypatch.setattr(actions, "CHUNK", 200)
    yielded = {"rows": 0}
    ahead: list[int] = []
    real_rows = reading.rows

    def counted(path):
        for row in real_rows(path):
            yielded["rows"] += 1
            yield row

    real_write = actions.case_register_checked_many

    def watched(**kwargs):
        cases = real_write(**kwargs)
        held = VictimCase.objects.unscoped("test").filter(organisation=cast.org_a).count()
        ahead.append(yielded["rows"] - held)
        return cases

    monkeypatch.setattr(reading, "rows", counted)
    monkeypatch.setattr(actions, "case_register_checked_many", watched)
    outcome = actions.import_file(actor=None, organisation=cast.org_a, path=big["xlsx"])
    assert outcome.ok, outcome.refused
    assert outcome.records_created == len(big["table"]) - 1
    assert len(ahead) == (len(big["table"]) - 1 + 199) // 200
    assert max(ahead) <= 200 + 2  # the header row, and the row that ended the chunk
    # Every write is audited: one entry per chunk for its persons and one for its cases,
    # naming the batch and the count; each case keeps its own provenance (batch, row).
    for action in ("persons.person.created_many", "cases.case.created_many"):
        entries = AuditEvent.objects.filter(action=action)
        assert entries.count() == len(ahead)
        assert sum(e.data["count"] for e in entries) == outcome.records_created
        assert {e.data["source"] for e in entries} == {str(outcome.batch.public_id)}


def test_the_streaming_ods_reader_reads_the_htcds_standard_as_calamine_does():
    """On a real ODS file from outside the project, the rows equal calamine's (full-sheet) reading."""
    path = SHAREDIR / "HTCDS Field Standards 2.0.ods"
    if not path.exists():
        pytest.skip("the shared reference files are not beside the checkout")
    from pharos.imports import sheets

    ours = list(sheets.ods_rows(path))
    theirs = [
        [sheets.cell_text(v) for v in row]
        for row in CalamineWorkbook.from_path(str(path))
        .get_sheet_by_index(0)
        .to_python(skip_empty_area=False)
    ]
    trimmed = []
    for row in theirs:
        while row and row[-1] == "":
            row.pop()
        trimmed.append(row)
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    assert len(ours) > 10
    assert ours == trimmed
