"""``pharos stats build --out DIR``: write every standard table (CSV + JSON) for all records.

``--country MK --country AL`` limits the reporting countries; ``--threshold K`` applies
threshold and secondary suppression (for files that leave the secure environment).
``pharos stats population FILE.csv`` loads a population table (any country).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pharos.statistics import actions, population, queries


class Command(BaseCommand):
    help = "Standard statistics: build the tables into a folder, or load a population table."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        build = verbs.add_parser("build", help="Write every standard table as CSV and JSON.")
        build.add_argument("--out", required=True, type=Path, help="The folder to write into.")
        build.add_argument("--country", action="append", default=[], help="A reporting country (repeatable).")
        build.add_argument("--threshold", type=int, default=0, help="Suppress counts below this (0: none).")
        load = verbs.add_parser(
            "population", help="Load a population CSV (country,year,sex,age_group,population)."
        )
        load.add_argument("file", type=Path)
        load.add_argument("--source", default="", help="Where the figures come from (cited with the rates).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "population":
            try:
                stored = actions.population_upload(
                    actor=None, text=options["file"].read_text(encoding="utf-8"), source=options["source"]
                )
            except (OSError, population.PopulationFileError) as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"Stored {stored} population rows.")
            return
        out: Path = options["out"]
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out} exists and is not a folder.")
        scope = queries.system_scope(
            "command line: pharos stats build", countries=tuple(c.upper() for c in options["country"])
        )
        tables = actions.tables_write(
            actor=None, scope=scope, out=out, threshold=options["threshold"] or None
        )
        for table in tables:
            self.stdout.write(f"{table.name}: {len(table.cells)} cells, {len(table.margins)} margins")
        self.stdout.write(f"Wrote {len(tables) * 2} files to {out}.")
