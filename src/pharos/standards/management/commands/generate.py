"""``pharos generate --cases N --seed S --out FILE``: synthetic case records with known duplicates."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pharos.standards.generator import GeneratorConfig, generate, truth_path_for


class Command(BaseCommand):
    help = (
        "Write N synthetic victim case records in the HTCDS layout (CSV, UTF-8) and, in a second "
        "file, the true person of every record. Invented people only; the same seed gives the same bytes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, required=True, help="Number of records (rows) to write.")
        parser.add_argument("--seed", type=int, default=0, help="Random seed (default 0).")
        parser.add_argument("--out", type=Path, required=True, help="CSV file to write.")
        parser.add_argument("--truth", type=Path, help="Truth file (default: OUT with .truth.csv).")
        parser.add_argument(
            "--duplicates",
            type=float,
            default=None,
            help="Share of persons reported 2-3 times (default 0.25).",
        )
        parser.add_argument(
            "--workers", type=int, default=min(2, os.cpu_count() or 1), help="Processes (default: up to 2)."
        )
        parser.add_argument("--quiet", action="store_true", help="No progress line.")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        truth: Path = options["truth"] or truth_path_for(out)
        if out.resolve() == truth.resolve():
            raise CommandError("--truth must be another file than --out")
        extra = {} if options["duplicates"] is None else {"duplicate_share": options["duplicates"]}
        try:
            config = GeneratorConfig(cases=options["cases"], seed=options["seed"], **extra)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for path in (out, truth):
            if not path.parent.is_dir():
                raise CommandError(f"Folder {path.parent} does not exist")
        show = not options["quiet"] and sys.stderr.isatty()

        def progress(done: int) -> None:
            if show:
                sys.stderr.write(f"\r{done:,} / {config.cases:,} records")
                sys.stderr.flush()

        stats = generate(config, out, truth, progress=progress, workers=max(1, options["workers"]))
        if show:
            sys.stderr.write("\n")
        self.stdout.write(
            f"Wrote {stats.rows:,} records of {stats.persons:,} persons "
            f"({stats.duplicated_persons:,} reported more than once) to {out} "
            f"and the true persons to {truth} in {stats.seconds:.1f} s."
        )
