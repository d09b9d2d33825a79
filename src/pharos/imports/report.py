"""The rejected rows as an annotated spreadsheet a person can correct and import again.

Sheet "Rejected rows" repeats the file's header and each rejected row as it was read, with a
column for its row number in the file; every rejected cell is highlighted and carries a comment
saying what is wrong and the nearest valid values. Sheet "Problems" lists the same as a table.
Every cell is written as text (``data_type = "s"``), so a formula in the file stays inert.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from pharos.cases.validation import Problem
from pharos.imports.actions import Outcome

_REJECTED = PatternFill(start_color="FFF4C7C3", end_color="FFF4C7C3", fill_type="solid")
_BOLD = Font(bold=True)


def explain(problem: Problem) -> str:
    text = problem.message
    if problem.suggestions:
        text += " " + _("Nearest valid values: %(values)s") % {"values": ", ".join(problem.suggestions)}
    return text


def _text(cell: Any, value: str) -> None:
    cell.value = value
    cell.data_type = "s"  # never a formula, whatever the text starts with


def write(outcome: Outcome, target: Path | IO[bytes] | Any) -> None:
    """Save the report to a path or a binary stream (an HttpResponse is one)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Rejected rows")[:31]
    headers = [_("Row in file"), *outcome.headers]
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index)
        _text(cell, header)
        cell.font = _BOLD
    position = {header: i for i, header in enumerate(outcome.headers, start=2)}
    by_target = {name: header for header, name in outcome.mapping.items() if name}
    problems = book.create_sheet(_("Problems")[:31])
    for index, header in enumerate(
        [_("Row in file"), _("Column"), _("Value"), _("Problem"), _("Nearest valid values")], start=1
    ):
        _text(problems.cell(row=1, column=index), header)
        problems.cell(row=1, column=index).font = _BOLD
    out_row = 2
    for line, row in enumerate(outcome.rejected, start=2):
        sheet.cell(row=line, column=1).value = row.number
        for field_name, value in row.cells.items():
            source = by_target.get(field_name, "")
            if source in position:
                _text(sheet.cell(row=line, column=position[source]), value)
        for problem in row.problems:
            header = outcome.column_of(problem)
            values = [str(row.number), header, problem.value, problem.message, ", ".join(problem.suggestions)]
            for index, value in enumerate(values, start=1):
                _text(problems.cell(row=out_row, column=index), value)
            out_row += 1
            if header in position:
                cell = sheet.cell(row=line, column=position[header])
                cell.fill = _REJECTED
                note = explain(problem)
                if cell.comment is not None:
                    note = cell.comment.text + "\n" + note
                cell.comment = Comment(note, "Pharos")
    book.save(target)
