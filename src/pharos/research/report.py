"""The rejected rows of a research file as an annotated spreadsheet, like a case import's report.

Every cell is written as text, so a formula in the file stays inert.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment

from pharos.imports.report import explain
from pharos.research.actions import LoadOutcome


def write(outcome: LoadOutcome, target: Path | IO[bytes] | Any) -> None:
    from openpyxl.styles import Font, PatternFill

    rejected_fill = PatternFill(start_color="FFF4C7C3", end_color="FFF4C7C3", fill_type="solid")
    bold = Font(bold=True)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Rejected rows")[:31]
    headers = [_("Row in file"), *outcome.headers]
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index, value=header)
        cell.data_type, cell.font = "s", bold
    position = {header: i for i, header in enumerate(outcome.headers, start=2)}
    problems = book.create_sheet(_("Problems")[:31])
    titles = [_("Row in file"), _("Column"), _("Value"), _("Problem"), _("Nearest valid values")]
    for index, title in enumerate(titles, start=1):
        cell = problems.cell(row=1, column=index, value=title)
        cell.data_type, cell.font = "s", bold
    out = 2
    for line, row in enumerate(outcome.rejected, start=2):
        sheet.cell(row=line, column=1, value=row.number)
        for header, value in row.cells.items():
            if header in position:
                cell = sheet.cell(row=line, column=position[header], value=value)
                cell.data_type = "s"
        for problem in row.problems:
            values = [
                str(row.number),
                problem.field,
                problem.value,
                problem.message,
                ", ".join(problem.suggestions),
            ]
            for index, value in enumerate(values, start=1):
                cell = problems.cell(row=out, column=index, value=value)
                cell.data_type = "s"
            out += 1
            if problem.field in position:
                cell = sheet.cell(row=line, column=position[problem.field])
                cell.fill = rejected_fill
                note = explain(problem)
                if cell.comment is not None:
                    note = cell.comment.text + "\n" + note
                cell.comment = Comment(note, "Pharos")
    book.save(target)
