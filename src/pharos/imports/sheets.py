"""Reading XLSX and ODS sheets row by row, so a large spreadsheet imports in bounded memory.

- **XLSX** through openpyxl's read-only mode (``iter_rows(values_only=True)``), which parses
  the sheet's XML as it goes instead of building the cell grid.
- **ODS** through a small expat parser over ``content.xml``, streamed out of the zip. No
  maintained library streams ODS: python-calamine, pyexcel-ods and odfpy all build the whole
  sheet (or the whole document tree) in memory first. The parser keeps one row at a time,
  expands ``number-columns-repeated`` / ``number-rows-repeated`` (bounded beforehand by
  ``reading.check_archive``), never emits the empty rows a sheet ends with, and refuses any
  DTD or entity declaration while parsing (``check_archive`` already refused them in the
  first bytes; this closes the gap for a declaration further in).

Both readers yield lists of cell texts (``reading.cell_text``); only the first sheet is read.
Cell values are the stored ones: a formula's cached result, never the formula.
"""

from __future__ import annotations

import datetime
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Final
from xml.parsers import expat

from django.utils.translation import gettext as _

_TABLE: Final = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE: Final = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT: Final = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_BLOCK: Final = 1 << 16


class SheetError(Exception):
    """The sheet could not be read (the caller turns it into a refusal)."""


def cell_text(value: Any) -> str:
    """A cell's value as the text the import checks (dates ISO, whole numbers without ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx_rows(path: Path | IO[bytes]) -> Iterator[list[str]]:
    """The first sheet's rows, from row 1, read lazily by openpyxl in read-only mode."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            cells = [cell_text(v) for v in row]
            while cells and cells[-1] == "":
                cells.pop()
            yield cells
    finally:
        workbook.close()


class _OdsParser:
    """Collects the rows of the first table of an ODS ``content.xml`` as expat reports them."""

    def __init__(self) -> None:
        # Rows parsed since the caller last took them; a number is that many empty rows.
        self.rows: list[list[str] | int] = []
        self.done = False
        self._tables = 0
        self._row: list[str] | None = None
        self._row_repeat = 1
        self._blank_rows = 0  # empty rows held back until a row with values follows
        self._cell_repeat = 1
        self._cell_value: str | None = None  # the typed value, when the cell has one
        self._cell_text: list[str] | None = None
        self._paragraphs = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if self.done:
            return
        if name == f"{_TABLE} table":
            self._tables += 1
        if self._tables != 1:
            return
        if name == f"{_TABLE} table-row":
            self._row = []
            self._row_repeat = int(attrs.get(f"{_TABLE} number-rows-repeated", "1"))
        elif name in (f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell") and self._row is not None:
            self._cell_repeat = int(attrs.get(f"{_TABLE} number-columns-repeated", "1"))
            self._cell_value = _typed_value(attrs)
            self._cell_text = []
            self._paragraphs = 0
        elif name == f"{_TEXT} p" and self._cell_text is not None:
            if self._paragraphs:
                self._cell_text.append("\n")
            self._paragraphs += 1
        elif name == f"{_TEXT} s" and self._cell_text is not None:
            self._cell_text.append(" " * int(attrs.get(f"{_TEXT} c", "1")))
        elif name == f"{_TEXT} tab" and self._cell_text is not None:
            self._cell_text.append("\t")
        elif name == f"{_TEXT} line-break" and self._cell_text is not None:
            self._cell_text.append("\n")

    def text(self, data: str) -> None:
        if self._cell_text is not None and self._paragraphs:
            self._cell_text.append(data)

    def end(self, name: str) -> None:
        if self.done or self._tables != 1:
            if name == f"{_TABLE} table" and self._tables == 1:
                self.done = True
            return
        if name in (f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell") and self._row is not None:
            shown = "".join(self._cell_text or [])
            value = self._cell_value if self._cell_value is not None else shown
            self._row.extend([value] * self._cell_repeat)
            self._cell_text = None
        elif name == f"{_TABLE} table-row" and self._row is not None:
            row = self._row
            while row and row[-1] == "":
                row.pop()
            if not row:
                self._blank_rows += self._row_repeat
            else:
                if self._blank_rows:
                    self.rows.append(self._blank_rows)
                self._blank_rows = 0
                self.rows.extend(list(row) for _ in range(self._row_repeat))
            self._row = None
        elif name == f"{_TABLE} table":
            self.done = True


def _typed_value(attrs: dict[str, str]) -> str | None:
    kind = attrs.get(f"{_OFFICE} value-type", "")
    if kind in ("float", "percentage", "currency"):
        raw = attrs.get(f"{_OFFICE} value", "")
        try:
            return cell_text(float(raw))
        except ValueError:
            return raw
    if kind == "date":
        raw = attrs.get(f"{_OFFICE} date-value", "")
        return raw[:10] if raw.endswith("T00:00:00") or len(raw) == 10 else raw
    if kind == "boolean":
        return "yes" if attrs.get(f"{_OFFICE} boolean-value") == "true" else "no"
    if kind == "time":
        return attrs.get(f"{_OFFICE} time-value", "")
    return None  # a string (or no value): the cell's paragraphs are its text


def _refuse_dtd(*_args: Any) -> None:
    raise SheetError(_("The spreadsheet declares XML entities; such files are refused."))


def ods_rows(path: Path | IO[bytes]) -> Iterator[list[str]]:
    """The first table's rows of an ODS file, parsed from ``content.xml`` 64 KiB at a time."""
    collector = _OdsParser()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = collector.start
    parser.EndElementHandler = collector.end
    parser.CharacterDataHandler = collector.text
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.buffer_text = True
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as handle:
        while not collector.done:
            block = handle.read(_BLOCK)
            try:
                parser.Parse(block, not block)
            except expat.ExpatError as exc:
                raise SheetError(_("The spreadsheet is damaged and cannot be read.")) from exc
            for item in collector.rows:
                if isinstance(item, int):
                    yield from ([] for _ in range(item))
                else:
                    yield item
            collector.rows = []
            if not block:
                break
