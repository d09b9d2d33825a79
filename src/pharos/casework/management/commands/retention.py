"""``pharos retention`` erases the personal data of closed cases past their country's retention period.

Meant for the scheduler (daily). Runs the ``casework.retention`` job kind in the
foreground as a system job over every organisation, prints the counts, exits 1 on failure.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pharos.casework import tasks  # noqa: F401  (registers the job kind)
from pharos.jobs.cli import run_in_foreground
from pharos.jobs.models import JobStatus


class Command(BaseCommand):
    help = "Erase the personal data of closed cases whose retention period is over."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", default="", help="Act as if today were this ISO date.")

    def handle(self, *args: Any, **options: Any) -> None:
        params = {"today": options["today"]} if options["today"] else {}
        job = run_in_foreground("casework.retention", params, stream=sys.stderr)
        if job.status != JobStatus.SUCCEEDED:
            self.stderr.write(job.error)
            sys.exit(1)
        self.stdout.write(json.dumps(job.result, sort_keys=True))
