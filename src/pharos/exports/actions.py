"""Writes of the exports module: producing an export file, audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, BinaryIO

from django.db import transaction

from pharos.audit import log
from pharos.exports import formats, queries


class ExportRefused(PermissionError):
    """The user may not export (no acting membership with ``exports.run``) or the format is unknown."""


@dataclass(frozen=True)
class ExportResult:
    """What was written: the format, the file, how many data rows, whether personal fields are in it."""

    format: str
    rows: int
    personal: bool


def export_create(*, actor: Any, fmt: str, target: BinaryIO) -> ExportResult:
    """Write the ``fmt`` export of what ``actor`` may see to ``target`` and audit it (never the values)."""
    if fmt not in formats.FORMATS:
        raise ExportRefused(f"Unknown export format {fmt!r}; choose one of {', '.join(formats.FORMATS)}.")
    scope = queries.scope_for(actor)
    if scope is None:
        raise ExportRefused("This user may not export for the organisation they act for (exports.run).")
    table = formats.BUILDERS[fmt](scope)
    with transaction.atomic():
        formats.write(fmt, table, target)
        log.record(
            "exports.export.created",
            actor=actor,
            organisation=scope.organisation,
            target=scope.organisation,
            data={"format": fmt, "rows": len(table.rows), "personal_fields": table.personal},
        )
    return ExportResult(format=fmt, rows=len(table.rows), personal=table.personal)
