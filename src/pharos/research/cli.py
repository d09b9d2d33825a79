"""``pharos import`` for research files: a CTDC layout goes to the research datasets, not the cases.

The import command asks ``wants(path, layout)`` first; a file whose header row is one of CTDC's
layouts (or that was given ``--layout ctdc-global|ctdc-vp``) is loaded here, as a job with a
progress bar, and the rejected cells are printed like a case import's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final, TextIO, cast

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from pharos.imports import reading
from pharos.imports.report import explain
from pharos.jobs.cli import run_in_foreground
from pharos.research import layouts, report, tasks
from pharos.tenancy.models import Organisation

SHOWN: Final = 50


def wants(path: Path, layout: str | None) -> bool:
    """Whether the file is a research dataset (named by ``--layout`` or detected from its header)."""
    if layout:
        return True
    try:
        for row in reading.rows(path):
            if any(c.strip() for c in row):
                return layouts.detect(row) is not None
    except reading.Refused:
        return False  # the case import refuses it with its own explanation
    return False


def load(command: BaseCommand, path: Path, organisation: Organisation, options: dict[str, Any]) -> None:
    """Load the file as a research dataset; exit 1 when it was refused or rows were rejected."""
    if options.get("layout") and options["layout"] not in layouts.LAYOUTS:
        raise CommandError(
            f"Unknown layout {options['layout']!r}; choose one of {', '.join(layouts.LAYOUTS)}."
        )
    params = {
        "organisation": organisation.pk,
        "path": str(path.resolve()),
        "file_name": path.name,
        "layout": options.get("layout") or "",
        "dry_run": bool(options.get("dry_run")),
        "keep_outcome": True,
    }
    stream = cast("TextIO", command.stderr._out)
    job = run_in_foreground("research.load", params, stream=stream)
    outcome = tasks.OUTCOMES.pop(job.pk, None)
    if outcome is None:
        raise CommandError(job.error or "The load did not run.")
    write, error = command.stdout.write, command.stderr.write
    if outcome.refused:
        error(_("Refused: %(reason)s Nothing was changed.") % {"reason": outcome.refused})
        raise SystemExit(1)
    if outcome.status == "already_loaded" and outcome.dataset is not None:
        write(
            _("This file was loaded before (research dataset %(id)s); nothing was changed.")
            % {"id": outcome.dataset.public_id}
        )
        return
    write(
        _("Research dataset, layout %(layout)s. Rows: %(rows)d, rejected: %(rejected)d.")
        % {"layout": outcome.layout, "rows": outcome.rows_total, "rejected": outcome.rows_rejected}
    )
    shown = 0
    for row in outcome.rejected:
        for problem in row.problems:
            if shown < SHOWN:
                error(
                    _("Row %(row)d, column %(column)s: %(problem)s")
                    % {"row": row.number, "column": problem.field, "problem": explain(problem)}
                )
            shown += 1
    if shown > SHOWN:
        write(_("… and more; see the report (--report FILE.xlsx)."))
    if options.get("report") and outcome.rejected:
        report.write(outcome, Path(options["report"]))
        write(_("Annotated report written to %(path)s") % {"path": options["report"]})
    if outcome.rows_rejected:
        error(_("Nothing was loaded: correct the rejected rows and load the file again."))
        raise SystemExit(1)
    if outcome.dataset is not None:
        write(
            _("Loaded as research dataset %(id)s (%(rows)d rows), apart from case records.")
            % {"id": outcome.dataset.public_id, "rows": outcome.dataset.row_count}
        )
    else:
        write(_("Checked: every row is valid (dry run, nothing loaded)."))
