"""``pharos pprl``: privacy-preserving record linkage between organisations or countries.

``pharos pprl secret --out KEY``           a new shared secret (give it to the data holders only)
``pharos pprl encode INPUT.csv --secret-file KEY --out ENCODED``   at each data holder
``pharos pprl link ENCODED... --out CLUSTERS.csv [--per-participant DIR]``   at the linkage unit
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pharos.linkage.engine import model, pprl
from pharos.linkage.management.commands._common import check_output, friendly_errors, progress, read_decisions


class Command(BaseCommand):
    # File in, file out: offline participants run it without a Pharos database.
    requires_system_checks: list[str] = []
    help = "Privacy-preserving record linkage: make a secret, encode records, link encodings."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        secret = sub.add_parser("secret", help="Write a new random shared secret (file mode 0600).")
        secret.add_argument("--out", type=Path, required=True)
        encode = sub.add_parser(
            "encode",
            help="Encode person records (same CSV as `pharos dedup`) into Bloom filters and keyed hashes.",
        )
        encode.add_argument("input", type=Path)
        encode.add_argument(
            "--secret-file", type=Path, required=True, help="The secret shared by the data holders."
        )
        encode.add_argument("--out", type=Path, required=True, help="Encoded file to write (Parquet).")
        encode.add_argument("--source", help="Participant name (default: the input file name).")
        encode.add_argument("--no-context", action="store_true", help="Ignore the case-context columns.")
        encode.add_argument("--quiet", action="store_true")
        link = sub.add_parser("link", help="Link encoded files; write source,record_id,cluster_id.")
        link.add_argument("encoded", type=Path, nargs="+")
        link.add_argument("--out", type=Path, required=True)
        link.add_argument(
            "--per-participant",
            type=Path,
            help="Folder for one file per participant (its records only) and totals.",
        )
        link.add_argument("--threshold", type=float, default=model.Tuning.threshold)
        link.add_argument(
            "--decisions", type=Path, help="Review decisions (left,right,verdict; ids as source/record_id)."
        )
        link.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "secret":
            out = check_output(options["out"])
            if out.exists():
                raise CommandError(f"{out} exists; a secret is never overwritten")
            descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(pprl.new_secret() + "\n")
            self.stdout.write(
                f"New secret written to {out}; share it with the data holders only, never the linkage unit."
            )
        elif verb == "encode":
            out = check_output(options["out"])
            with friendly_errors():
                secret = pprl.read_secret(options["secret_file"])
                name = options["source"] or options["input"].stem
                encoded = pprl.encode(
                    options["input"],
                    secret,
                    out,
                    source_name=pprl.check_source(name),
                    use_context=not options["no_context"],
                    say=progress(options["quiet"]),
                )
            self.stdout.write(f"{encoded.records:,} records of {name} encoded to {out}")
        else:
            out = check_output(options["out"])
            tuning = model.Tuning(
                threshold=options["threshold"], review_low=min(model.Tuning.review_low, options["threshold"])
            )
            with friendly_errors():
                result = pprl.link(
                    options["encoded"],
                    out,
                    tuning=tuning,
                    per_source=options["per_participant"],
                    decisions=read_decisions(options["decisions"]),
                    say=progress(options["quiet"]),
                )
            self.stdout.write(
                f"{result.records:,} records, {result.persons:,} persons ({result.merged_records:,} records merged); "
                f"clusters written to {out}"
            )
