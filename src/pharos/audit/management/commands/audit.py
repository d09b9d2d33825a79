"""``pharos audit verify`` checks the hash chain; ``pharos audit tail`` prints recent events.

``verify`` runs the ``audit.verify`` job kind in the foreground (a system job on /jobs/)
with a progress bar on stderr, prints the verdict on stdout and exits 0 when the chain
holds, 1 when it names the first broken row, 2 when the verification itself failed.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils.translation import gettext

from pharos.audit import actions, tasks
from pharos.audit.models import AuditEvent
from pharos.jobs.cli import run_in_foreground
from pharos.jobs.models import JobStatus


class Command(BaseCommand):
    help = "Check the audit log's hash chain (verify) or print its latest events (tail)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify,tail}")
        verify = sub.add_parser("verify", help="Walk the whole chain; exit 1 and name the first broken row.")
        verify.add_argument(
            "--batch-size", type=int, default=5000, help="Rows read per query (default 5000)."
        )
        tail = sub.add_parser("tail", help="Print the latest events, oldest first.")
        tail.add_argument("-n", "--lines", type=int, default=20, help="How many events (default 20).")
        tail.add_argument("--action", default="", help="Only events whose name starts with this.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self.verify(options["batch_size"])
        else:
            self.tail(options["lines"], options["action"])

    def verify(self, batch_size: int) -> None:
        stream = getattr(self.stderr, "_out", sys.stderr)
        job = run_in_foreground("audit.verify", {"batch_size": batch_size}, stream=stream)
        if job.status != JobStatus.SUCCEEDED:
            self.stderr.write(gettext("The verification could not finish: %(error)s") % {"error": job.error})
            sys.exit(2)
        result = job.result
        if result["intact"]:
            verdict = gettext(tasks.INTACT) % {"count": result["checked"]}
            self.stdout.write(self.style.SUCCESS(verdict))
            self.stdout.write(f"Head: row #{result['head_seq']}, hash {result['head_hash']}")
            return
        reason = result["first_break"]["reason"]
        self.stdout.write(self.style.ERROR(gettext(tasks.BROKEN) % {"reason": reason}))
        sys.exit(1)

    def tail(self, lines: int, action: str) -> None:
        events = AuditEvent.objects.select_related("organisation").order_by("-seq")
        if action:
            events = events.filter(action__startswith=action)
        for event in reversed(list(events[: max(0, lines)])):
            organisation = event.organisation.code if event.organisation is not None else "-"
            target = f"{event.target_type}:{event.target_id}" if event.target_type else "-"
            self.stdout.write(
                f"#{event.seq} {event.occurred_at:%Y-%m-%d %H:%M:%S} {event.action} "
                f"by {event.actor_label or '-'} for {organisation} on {target} "
                f"from {event.ip_address or event.source} req {event.request_id or '-'} {event.data}"
            )
        with transaction.atomic():
            actions.audit_log_read(
                actor="command line", filters={"action": action} if action else {}, output="tail"
            )
