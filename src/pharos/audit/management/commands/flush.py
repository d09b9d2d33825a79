"""``flush`` that also works on SQLite, where the audit log's append-only triggers refuse it.

PostgreSQL flushes with TRUNCATE, which row triggers do not see; SQLite flushes with
DELETE, which ``audit_no_delete`` refuses. This command (which replaces Django's) lifts
the audit triggers for the flush and puts them back afterwards, so both databases behave
alike: ``flush`` (asked for and confirmed by an administrator, or run by the test runner
between transactional tests) empties everything, the audit log included.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections

AUDIT_TABLES = ("audit_auditevent", "audit_auditchainhead")


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (%s, %s)",
                AUDIT_TABLES,
            )
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                for _name, sql in triggers:
                    cursor.execute(sql)
