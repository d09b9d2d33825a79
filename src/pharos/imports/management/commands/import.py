# noqa: N999 - the command is "pharos import", a keyword as a module name
"""``pharos import FILE --org ORG [--mapping NAME] [--dry-run] [--report OUT.xlsx]``
and ``pharos import rollback BATCH``.

Exits 0 when the file was imported (or, with ``--dry-run``, would be), 1 when rows were
rejected or the file was refused; nothing is changed in either case.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from pharos.imports import actions, report, tasks
from pharos.imports.models import ImportBatch
from pharos.jobs.cli import run_in_foreground
from pharos.research import cli as research_cli
from pharos.tenancy.models import Organisation

SHOWN = 50  # rejected cells printed; the report has them all


class Command(BaseCommand):
    help = "Import victim case records from an HTCDS CSV, XLSX or ODS file, or roll an import back."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", nargs="+", help="FILE, or: rollback BATCH")
        parser.add_argument("--org", help="Code of the organisation the records belong to.")
        parser.add_argument("--mapping", help="Name of a saved column mapping of that organisation.")
        parser.add_argument("--save-mapping", help="Save the mapping used under this name.")
        parser.add_argument("--dry-run", action="store_true", help="Check only; change nothing.")
        parser.add_argument("--report", help="Write the rejected rows, annotated, to this XLSX file.")
        parser.add_argument(
            "--layout",
            choices=["ctdc-global", "ctdc-vp"],
            help="Load as a research dataset of this CTDC layout (detected from the header otherwise).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target = options["target"]
        if target[0] == "rollback":
            if len(target) != 2:
                raise CommandError("Usage: pharos import rollback BATCH")
            self._rollback(target[1])
            return
        if len(target) != 1:
            raise CommandError("Give one file to import.")
        if not options["org"]:
            raise CommandError("--org is required.")
        organisation = Organisation.objects.filter(code__iexact=options["org"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with the code {options['org']!r}.")
        path = Path(target[0])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        if research_cli.wants(path, options.get("layout")):  # CTDC layouts: research datasets
            research_cli.load(self, path, organisation, options)
            return
        params = {
            "organisation": organisation.pk,
            "path": str(path.resolve()),
            "file_name": path.name,
            "mapping": options["mapping"] or "",
            "dry_run": options["dry_run"],
            "keep_outcome": True,
        }
        job = run_in_foreground("imports.file", params, stream=cast("TextIO", self.stderr._out))
        outcome = tasks.OUTCOMES.pop(job.pk, None)
        if outcome is None:
            raise CommandError(job.error or "The import did not run.")
        self._summary(outcome, dry_run=options["dry_run"])
        if options["report"] and outcome.rejected:
            report.write(outcome, Path(options["report"]))
            self.stdout.write(_("Annotated report written to %(path)s") % {"path": options["report"]})
        if options["save_mapping"] and outcome.mapping:
            actions.import_mapping_save(
                actor=None, organisation=organisation, name=options["save_mapping"], mapping=outcome.mapping
            )
        if not outcome.ok:
            raise SystemExit(1)

    def _summary(self, outcome: actions.Outcome, *, dry_run: bool) -> None:
        write = self.stdout.write
        if outcome.refused:
            self.stderr.write(_("Refused: %(reason)s Nothing was changed.") % {"reason": outcome.refused})
            return
        mapped = {h: t for h, t in outcome.mapping.items() if t}
        write(
            _("Columns: %(mapped)d of %(all)d mapped.") % {"mapped": len(mapped), "all": len(outcome.headers)}
        )
        if outcome.status == "already_imported":
            write(
                _("This file was imported before (batch %(batch)s); nothing was changed.")
                % {"batch": outcome.batch.public_id if outcome.batch else ""}
            )
            return
        write(
            _("Rows: %(rows)d, rejected: %(rejected)d, already held: %(skipped)d, imported: %(created)d.")
            % {
                "rows": outcome.rows_total,
                "rejected": outcome.rows_rejected,
                "skipped": outcome.rows_skipped,
                "created": outcome.records_created,
            }
        )
        shown = 0
        for row in outcome.rejected:
            for problem in row.problems:
                if shown == SHOWN:
                    write(_("… and more; see the report (--report FILE.xlsx)."))
                    break
                column = outcome.column_of(problem) or "-"
                self.stderr.write(
                    _("Row %(row)d, column %(column)s: %(problem)s")
                    % {"row": row.number, "column": column, "problem": report.explain(problem)}
                )
                shown += 1
            if shown == SHOWN:
                break
        if outcome.rows_rejected:
            self.stderr.write(_("Nothing was imported: correct the rejected rows and import the file again."))
        elif outcome.batch is not None:
            verb = _("Checked") if dry_run else _("Imported")
            write(_("%(verb)s as batch %(batch)s.") % {"verb": verb, "batch": outcome.batch.public_id})

    def _rollback(self, batch_id: str) -> None:
        try:
            key = uuid.UUID(batch_id)
        except ValueError as exc:
            raise CommandError(f"{batch_id!r} is not a batch id.") from exc
        batch = (
            ImportBatch.objects.unscoped("the command line rolls back the batch it is given")
            .filter(public_id=key)
            .first()
        )
        if batch is None:
            raise CommandError(f"No import batch {batch_id}.")
        try:
            removed = actions.import_batch_rollback(actor=None, batch=batch)
        except actions.ImportError_ as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Rolled back batch %(batch)s: %(count)d cases removed.") % {"batch": batch_id, "count": removed}
        )
