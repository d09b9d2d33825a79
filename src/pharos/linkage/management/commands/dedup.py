"""``pharos dedup INPUT.csv --out CLUSTERS.csv``: count each person once inside one data set."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pharos.linkage.engine import model
from pharos.linkage.engine.dedup import deduplicate
from pharos.linkage.management.commands._common import check_output, friendly_errors, progress, read_decisions


class Command(BaseCommand):
    # File in, file out: offline participants run it without a Pharos database.
    requires_system_checks: list[str] = []
    help = (
        "De-duplicate person records: read a CSV with record_id, prs_FirstName, prs_SecondName, "
        "prs_Birthdate (ISO date), prs_Gender and prs_Citizenship (any value may be empty; "
        "vic_CountryOfExploitation and vic_AgeAtIdentification are used when present) and write "
        "record_id,cluster_id: records with the same cluster_id are one person."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path, help="CSV file of person records (UTF-8).")
        parser.add_argument(
            "--out", type=Path, required=True, help="CSV file to write (record_id,cluster_id)."
        )
        parser.add_argument(
            "--threshold",
            type=float,
            default=model.Tuning.threshold,
            help="Match probability to link (default 0.6).",
        )
        parser.add_argument(
            "--review", type=Path, help="Also write the uncertain pairs (left,right,probability)."
        )
        parser.add_argument(
            "--decisions",
            type=Path,
            help="Earlier review decisions to respect (left,right,verdict: confirm|reject).",
        )
        parser.add_argument("--no-context", action="store_true", help="Ignore the case-context columns.")
        parser.add_argument("--quiet", action="store_true", help="No progress lines on stderr.")

    def handle(self, *args: Any, **options: Any) -> None:
        out = check_output(options["out"])
        if not 0 < options["threshold"] <= 1:
            raise CommandError("--threshold must be between 0 and 1")
        tuning = model.Tuning(
            threshold=options["threshold"], review_low=min(model.Tuning.review_low, options["threshold"])
        )
        decisions = read_decisions(options["decisions"])
        with friendly_errors():
            result = deduplicate(
                options["input"],
                out,
                tuning=tuning,
                decisions=decisions,
                use_context=not options["no_context"],
                say=progress(options["quiet"]),
            )
            if options["review"] is not None:
                with check_output(options["review"]).open("w", encoding="utf-8", newline="") as handle:
                    writer = csv.writer(handle)
                    writer.writerow(["left", "right", "probability"])
                    writer.writerows((left, right, f"{p:.4f}") for left, right, p in result.review)
        self.stdout.write(
            f"{result.records:,} records, {result.clusters:,} persons ({result.merged_records:,} records merged); "
            f"clusters written to {out}"
        )
