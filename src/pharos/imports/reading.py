"""Reading case files safely: CSV, XLSX and ODS, row by row, refusing hostile files.

Every reader yields rows as lists of text and raises ``Refused`` (a message a person can
act on) instead of a traceback. What is checked before any row is read:

- **size**: files over ``PHAROS_IMPORT_MAX_BYTES`` (1 GiB by default: a million HTCDS rows are
  about 300 MB, and rows stream, so size costs time, not memory) are refused;
- **spreadsheets (XLSX, ODS)** are zip archives: the uncompressed size of every member is
  read from the zip directory *before* the archive is opened by the spreadsheet reader, and
  an archive over ``PHAROS_IMPORT_MAX_UNCOMPRESSED`` in total, or a member compressed more
  than ``MAX_RATIO`` times (a zip bomb), is refused. XML members that declare a DTD
  (``<!DOCTYPE``/``<!ENTITY``, the "billion laughs") are refused outright, and the ODS
  parser refuses a declaration anywhere (the tests prove both);
- **CSV encoding** is decided from the first 64 KiB, in this order: UTF-8 (a byte-order mark
  is dropped), then Windows-1251 when the non-ASCII bytes come in runs (Cyrillic words),
  then Latin-1 (isolated accented letters). A NUL byte means a binary file, and a file that
  starts as UTF-8 but breaks later is refused as a broken encoding rather than read as
  mojibake. The delimiter (``,`` ``;`` tab ``|``) is found with ``csv.Sniffer``.

Files are read as a ``Source``: a path the command line was given, or an upload kept
encrypted (``pharos.privacy.files.attachment_open``, ``pharos.privacy.uploads``) that opens as
a seekable file decrypting what is read, so no plaintext copy of an upload is ever written.
Spreadsheets stream (``pharos.imports.sheets``: openpyxl read-only for XLSX, expat for ODS).
Cells are never evaluated: a spreadsheet's formula is read as its cached value,
and text starting with ``=``, ``+``, ``-`` or ``@`` is flagged by the validation step.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, Final

from django.conf import settings
from django.utils.translation import gettext as _

SAMPLE: Final = 64 * 1024
MAX_RATIO: Final = 200  # a spreadsheet's XML compresses ~10-30x; 200x and more is a bomb
DEFAULT_MAX_BYTES: Final = 1024 * 1024 * 1024  # a million HTCDS rows are ~300 MB; rows stream
DEFAULT_MAX_UNCOMPRESSED: Final = 1024 * 1024 * 1024
_HIGH_RUN: Final = re.compile(rb"[\x80-\xff]+")
_CELL_REF: Final = re.compile(rb'\sr="([A-Z]{1,3})([0-9]{1,7})"')
_ODS_TAG: Final = re.compile(rb"<table:table-(row|cell)\b([^>]*)>")
_ROWS_REPEATED: Final = re.compile(rb'number-rows-repeated="(\d{1,9})"')
_COLUMNS_REPEATED: Final = re.compile(rb'number-columns-repeated="(\d{1,9})"')
MAX_COLUMNS: Final = 1000
DEFAULT_MAX_CELLS: Final = 30_000_000


class Refused(Exception):
    """The whole file is refused; the message says why, in the reader's language."""


class Source:
    """A file to read: its name (for the suffix), its size, and how to open it (a seekable
    binary file; every ``open`` is independent, so a reader may open it twice)."""

    def __init__(self, name: str, size: int, opener: Callable[[], IO[bytes]]) -> None:
        self.name = name
        self.size = size
        self._opener = opener

    @classmethod
    def of_path(cls, path: Path) -> Source:
        return cls(path.name, path.stat().st_size, lambda: path.open("rb"))

    @classmethod
    def of_attachment(cls, attachment: Any) -> Source:
        """A kept encrypted file (``EncryptedAttachment``), decrypted as it is read."""
        from pharos.privacy import files

        return cls(
            attachment.file_name or "upload", attachment.size, lambda: files.attachment_open(attachment)
        )

    @classmethod
    def of_upload(cls, upload: Any) -> Source:
        """A file of the current request: large ones are sealed on disk (``pharos.privacy.uploads``)
        and read through a decrypting reader; small ones are in memory."""
        if hasattr(upload, "reader"):
            return cls(upload.name or "upload", upload.size, upload.reader)

        def in_memory() -> IO[bytes]:
            upload.seek(0)
            return io.BytesIO(upload.read())

        return cls(upload.name or "upload", upload.size, in_memory)

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix

    def open(self) -> IO[bytes]:
        return self._opener()


def as_source(item: Path | Source) -> Source:
    return item if isinstance(item, Source) else Source.of_path(Path(item))


def max_bytes() -> int:
    return int(getattr(settings, "PHAROS_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_cells() -> int:
    return int(getattr(settings, "PHAROS_IMPORT_MAX_CELLS", DEFAULT_MAX_CELLS))


def max_uncompressed() -> int:
    return int(getattr(settings, "PHAROS_IMPORT_MAX_UNCOMPRESSED", DEFAULT_MAX_UNCOMPRESSED))


def kind_of(item: Path | Source) -> str:
    """``csv``, ``xlsx`` or ``ods`` from the first bytes (a zip is a spreadsheet) and the name."""
    source = as_source(item)
    with source.open() as handle:
        head = handle.read(4)
        names: set[str] = set()
        if head.startswith(b"PK\x03\x04"):
            try:
                handle.seek(0)
                with zipfile.ZipFile(handle) as archive:
                    names = set(archive.namelist())
            except (zipfile.BadZipFile, OSError) as exc:
                raise Refused(_("The spreadsheet is damaged and cannot be read.")) from exc
    if head.startswith(b"PK\x03\x04"):
        if "content.xml" in names:
            return "ods"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise Refused(_("This file is a zip archive but not an XLSX or ODS spreadsheet."))
    if source.suffix.lower() in {".xlsx", ".xls", ".ods", ".xlsm"}:
        raise Refused(_("This file is named as a spreadsheet but is not a valid XLSX or ODS file."))
    return "csv"


def check_size(item: Path | Source) -> int:
    size = as_source(item).size
    if size == 0:
        raise Refused(_("The file is empty."))
    if size > max_bytes():
        raise Refused(
            _("The file is %(size)d MB; files over %(limit)d MB are not imported. Split it into parts.")
            % {"size": size // 2**20, "limit": max_bytes() // 2**20}
        )
    return size


def check_archive(item: Path | Source) -> None:
    """Refuse zip bombs and DTDs before the spreadsheet reader opens anything."""
    with as_source(item).open() as handle:
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, OSError) as exc:
            raise Refused(_("The spreadsheet is damaged and cannot be read.")) from exc
        with archive:
            _check_members(archive)


def _check_members(archive: zipfile.ZipFile) -> None:
    total = 0
    for member in archive.infolist():
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > MAX_RATIO and member.file_size > 1024 * 1024:
            raise Refused(
                _("The spreadsheet is compressed %(ratio)d times (a 'zip bomb'); it is not opened.")
                % {"ratio": int(ratio)}
            )
    if total > max_uncompressed():
        raise Refused(
            _("The spreadsheet would take %(size)d MB once unpacked; the limit is %(limit)d MB.")
            % {"size": total // 2**20, "limit": max_uncompressed() // 2**20}
        )
    for member in archive.infolist():
        if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
            _check_extent(archive, member)
        elif member.filename == "content.xml":
            _check_repeats(archive, member)
    for member in archive.infolist():
        if member.filename.endswith((".xml", ".rels")) and _declares_entities(archive, member):
            raise Refused(
                _("The spreadsheet declares XML entities (%(part)s); such files are refused.")
                % {"part": member.filename}
            )


def _declares_entities(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """A DTD anywhere in the part: a long comment before it must not hide it from the check
    (XML text cannot hold a raw ``<!``, so a match outside comments and CDATA is markup)."""
    tail = b""
    with archive.open(member) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            text = tail + block.upper()
            if b"<!DOCTYPE" in text or b"<!ENTITY" in text:
                return True
            tail = text[-16:]
    return False


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _check_extent(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Refuse a sheet whose cells span more than the limits: the reader would fill the whole
    rectangle in memory (one cell at A1 and one at XFD1048576 is 17 billion cells)."""
    rows = columns = 0
    tail = b""
    with archive.open(member) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            text = tail + block
            for letters, digits in _CELL_REF.findall(text):
                columns = max(columns, _column_number(letters))
                rows = max(rows, int(digits))
            tail = text[-32:]
    if columns > MAX_COLUMNS or rows * columns > max_cells():
        raise Refused(
            _(
                "The sheet spans %(rows)d rows and %(columns)d columns; that is more than can be read "
                "safely. Delete the empty rows and columns, or save the sheet as CSV."
            )
            % {"rows": rows, "columns": columns}
        )


def _check_repeats(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """ODS's bomb: one cell with a value "repeated" a million times in rows repeated as often.

    Cells without a value (the empty rows and columns every sheet ends with) are not counted.
    """
    cells = 0
    row_repeat = 1
    tail = b""
    with archive.open(member) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            text = tail + block
            cut = text.rfind(b"<")  # a tag cut by the block boundary is read with the next block
            body, tail = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
            for kind, attributes in _ODS_TAG.findall(body):
                if kind == b"row":
                    found = _ROWS_REPEATED.search(attributes)
                    row_repeat = int(found.group(1)) if found else 1
                elif b"value-type" in attributes:
                    found = _COLUMNS_REPEATED.search(attributes)
                    repeat = int(found.group(1)) if found else 1
                    cells += row_repeat * repeat
                    if repeat > MAX_COLUMNS or cells > max_cells():
                        raise Refused(
                            _(
                                "The sheet repeats its cells more than can be read safely. Delete the "
                                "empty rows and columns, or save the sheet as CSV."
                            )
                        )


# --- CSV ------------------------------------------------------------------------------------------


def detect_encoding(sample: bytes) -> str:
    """The encoding of a CSV file from its first bytes (see the module docstring for the order)."""
    if b"\x00" in sample:
        raise Refused(_("This is not a text file (it contains NUL bytes). Save it as CSV or XLSX."))
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    runs = _HIGH_RUN.findall(sample)
    average = sum(len(r) for r in runs) / len(runs) if runs else 0
    if average >= 2:
        try:
            sample.decode("cp1251")
        except UnicodeDecodeError:
            return "latin-1"
        return "cp1251"
    return "latin-1"


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    lines = text.splitlines()[:50]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def csv_rows(item: Path | Source) -> Iterator[list[str]]:
    with as_source(item).open() as raw:
        sample = raw.read(SAMPLE)
        encoding = detect_encoding(sample)
        raw.seek(0)
        preview = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=False)
        dialect = _dialect(preview)
        text: IO[str] = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
        reader = csv.reader(text, dialect)
        line = 0
        try:
            for row in reader:
                line += 1
                yield row
        except UnicodeDecodeError as exc:
            raise Refused(
                _(
                    "The file is not valid %(encoding)s after line %(line)d (a broken encoding). "
                    "Save it again as UTF-8."
                )
                % {"encoding": encoding, "line": line}
            ) from exc
        except csv.Error as exc:
            raise Refused(_("The CSV file is malformed near line %(line)d.") % {"line": line + 1}) from exc


# --- spreadsheets ---------------------------------------------------------------------------------


def sheet_rows(item: Path | Source) -> Iterator[list[str]]:
    """XLSX and ODS rows, streamed (``pharos.imports.sheets``): memory stays bounded."""
    from pharos.imports import sheets

    source = as_source(item)
    check_archive(source)
    kind = kind_of(source)
    try:
        with source.open() as handle:
            yield from sheets.ods_rows(handle) if kind == "ods" else sheets.xlsx_rows(handle)
    except Refused:
        raise
    except sheets.SheetError as exc:
        raise Refused(str(exc)) from exc
    except Exception as exc:  # the readers raise their own error types for damaged files
        raise Refused(_("The spreadsheet is damaged and cannot be read.")) from exc


def rows(item: Path | Source) -> Iterator[list[str]]:
    """Every row of the file's first sheet, as text, after the checks above."""
    source = as_source(item)
    check_size(source)
    # XLSForm submissions (ODK Central, KoboToolbox; CSV or JSON) are read as HTCDS rows.
    from pharos.imports import submissions  # it reads through this module: imported late

    converted = submissions.rows(source)
    if converted is not None:
        return converted
    if kind_of(source) == "csv":
        return csv_rows(source)
    return sheet_rows(source)
