"""``pharos reference load``: countries and regional groupings from ``tenancy/data`` (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pharos.tenancy import reference
from pharos.tenancy.actions import reference_data_load


class Command(BaseCommand):
    help = "Load or update the reference data (countries, regions); running it again changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        load = commands.add_parser("load", help="Bring the database in line with the reference files.")
        load.add_argument("--countries", type=Path, default=reference.COUNTRIES_FILE)
        load.add_argument("--regions", type=Path, default=reference.REGIONS_FILE)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = reference_data_load(countries_file=options["countries"], regions_file=options["regions"])
        except (reference.ReferenceDataError, OSError, ValueError, KeyError) as exc:
            raise CommandError(f"Reference data not loaded: {exc}") from exc
        if not result.changed:
            self.stdout.write("Reference data already up to date.")
            return
        self.stdout.write(
            "Reference data loaded: "
            f"created {_counts(result.created)}; updated {_counts(result.updated)}; removed {_counts(result.removed)}."
        )


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {what}" for what, n in counts.items())
