"""``pharos keys``: the encryption keys of personal data.

- ``pharos keys generate [--id ID] [--blind-index]`` prints a new key (nothing is stored).
- ``pharos keys status`` counts the values under each key, per model and field.
- ``pharos keys rotate [--batch-size N]`` re-encrypts everything under the active key
  (the first of PHAROS_FIELD_KEYS), as a job with a progress bar. Ctrl-C loses at most one
  batch; running it again continues. Remove an old key only when ``status`` shows no value
  under it.
"""

from __future__ import annotations

import base64
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from pharos.privacy import keys, rotation


class Command(BaseCommand):
    help = "Encryption keys of personal data: generate a key, show status, rotate."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{generate,status,rotate}")
        generate = sub.add_parser("generate", help="Print a new key to add to the environment.")
        generate.add_argument("--id", dest="key_id", default="", help="Key id (default: k<date>).")
        generate.add_argument(
            "--blind-index", action="store_true", help="Print a PHAROS_BLIND_INDEX_KEY value (no id) instead."
        )
        sub.add_parser("status", help="How many values are encrypted under each key.")
        rotate = sub.add_parser("rotate", help="Re-encrypt every value under the active key.")
        rotate.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "generate":
            self._generate(options["key_id"], options["blind_index"])
        elif action == "status":
            self._status()
        else:
            self._rotate(options["batch_size"])

    def _generate(self, key_id: str, blind_index: bool) -> None:
        secret = base64.urlsafe_b64encode(os.urandom(32)).decode()
        if blind_index:
            self.stdout.write(secret)
            self.stderr.write(
                "Set it as PHAROS_BLIND_INDEX_KEY. Changing it later empties every blind index."
            )
            return
        key_id = key_id or f"k{timezone.now():%Y%m%d}"
        if not keys.KEY_ID.match(key_id):
            raise CommandError("A key id is 1 to 16 letters, digits, '-' or '_'.")
        self.stdout.write(f"{key_id}:{secret}")
        self.stderr.write(
            "Put it first in PHAROS_FIELD_KEYS (keep the old keys after it), restart Pharos, "
            "then run 'pharos keys rotate'."
        )

    def _status(self) -> None:
        fields, attachments, checkpoints = rotation.status()
        active = keys.active_key().key_id
        key_ids = [k.key_id for k in keys.field_keys()]
        self.stdout.write(f"Active key: {active}. Keys that can decrypt: {', '.join(key_ids)}.")
        header = ["model.field", *key_ids, "unknown", "empty"]
        rows = [
            [f"{s.model}.{s.field}", *(str(s.by_key[k]) for k in key_ids), str(s.unknown), str(s.empty)]
            for s in fields
        ]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            self.stdout.write("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)))
        self.stdout.write(
            "Attachments: " + (", ".join(f"{k}: {n}" for k, n in sorted(attachments.items())) or "none")
        )
        for checkpoint in checkpoints:
            state = (
                f"finished {checkpoint.finished_at:%Y-%m-%d %H:%M}"
                if checkpoint.finished_at
                else "in progress"
            )
            self.stdout.write(
                f"Last rotation of {checkpoint.model} to {checkpoint.key_id}: {checkpoint.rotated_rows} rows, "
                f"up to #{checkpoint.last_pk or '-'}, {state}."
            )
        old = sum(n for s in fields for k, n in s.by_key.items() if k != active) + sum(
            n for k, n in attachments.items() if k != active
        )
        unknown = sum(s.unknown for s in fields)
        if unknown:
            self.stdout.write(self.style.ERROR(f"{unknown} values are under a key that is not configured."))
        if old:
            self.stdout.write(
                self.style.WARNING(f"{old} values are not under the active key: run 'pharos keys rotate'.")
            )
        else:
            self.stdout.write(self.style.SUCCESS("Everything is under the active key."))

    def _rotate(self, batch_size: int) -> None:
        from pharos.jobs.cli import run_in_foreground
        from pharos.jobs.models import JobStatus

        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            job = run_in_foreground("privacy.keys.rotate", {"batch_size": batch_size})
        except KeyboardInterrupt:
            raise CommandError(
                "Interrupted. Committed batches are kept; run 'pharos keys rotate' again to continue."
            ) from None
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(f"Key rotation failed: {job.error} Run it again to continue.")
        result = job.result
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-encrypted {result.get('values', 0)} values in {sum(result.get('rows', {}).values())} rows "
                f"and {result.get('attachments', 0)} files under key {result.get('key_id')}."
            )
        )
