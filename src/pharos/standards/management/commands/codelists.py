"""``pharos codelists load`` and ``pharos codelists show KEY``: the code lists of the data standard."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pharos.standards import actions, queries
from pharos.standards.codelists import MAPPING_TARGETS, CodeListError
from pharos.standards.models import Code


class Command(BaseCommand):
    help = "Load the code-list files into the database, or show one list."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="{load,show,list}")
        load = verbs.add_parser("load", help="Load src/pharos/standards/data/codelists/*.json (idempotent).")
        load.add_argument("--directory", type=Path, help="Another folder of code-list files.")
        show = verbs.add_parser("show", help="Show one list: codes, dates, labels and mappings.")
        show.add_argument("key", help="e.g. htcds.vic_TypeOfExploitation")
        show.add_argument("--language", default="en", help="en, fr, pt-br, ru or ar (default en)")
        show.add_argument("--on", type=date.fromisoformat, help="Only codes valid on this date (YYYY-MM-DD).")
        verbs.add_parser("list", help="List the loaded code lists.")

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "load":
            self._load(options.get("directory"))
        elif verb == "show":
            self._show(options["key"], options["language"], options.get("on"))
        else:
            self._list()

    def _load(self, directory: Path | None) -> None:
        try:
            report = actions.codelists_load(actor=None, directory=directory)
        except CodeListError as exc:
            raise CommandError(str(exc)) from exc
        parts = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in report.summary().items())
        self.stdout.write(
            ("Code lists loaded: " if report.changed else "Code lists already up to date: ") + parts
        )

    def _show(self, key: str, language: str, on: date | None) -> None:
        try:
            code_list = queries.get_code_list(key)
        except queries.UnknownCode as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.MIGRATE_HEADING(f"{code_list.key}: {code_list.title_in(language)}"))
        self.stdout.write(f"Source: {code_list.source}")
        self.stdout.write(
            f"Version {code_list.version or '-'}; {'several' if code_list.multiple else 'one'} per record"
        )
        if code_list.deprecated:
            self.stdout.write(self.style.WARNING("Deprecated in its standard."))
        rows = Code.objects.filter(code_list=code_list).order_by("sort_order", "valid_from")
        for row in rows:
            if on is not None and not row.valid_on(on):
                continue
            until = row.valid_to.isoformat() if row.valid_to else "…"
            flag = "" if row.verified else "  [mapping unverified]"
            self.stdout.write(
                f"  {row.code:<40} {row.valid_from.isoformat()} – {until:<10}  {row.label_in(language)}{flag}"
            )
            mapped = [
                f"{t}={row.mappings[t]}" for t in MAPPING_TARGETS if row.mappings.get(t) not in (None, "")
            ]
            if mapped:
                self.stdout.write(f"  {'':<40} → {', '.join(mapped)}")

    def _list(self) -> None:
        from pharos.standards.models import CodeList

        for code_list in CodeList.objects.all():
            count = code_list.codes.filter(valid_to__isnull=True).count()
            self.stdout.write(f"{code_list.key:<45} {count:>4} open codes  {code_list.title_in('en')}")
