"""Writes of the exports module: producing an export file, audited; large ones as a job.

An export of more than ``PHAROS_EXPORT_JOB_ROWS`` cases (5,000 unless set) is not built in
the request: ``export_start`` queues an ``exports.file`` job, which builds the file as its
starter (same scope, same personal-field rule) and keeps it encrypted (``export_store``) until
that user downloads it from the job's page (``export_file_read``).
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, Final

from django.conf import settings
from django.db import transaction

from pharos.audit import log
from pharos.exports import formats, queries
from pharos.exports.models import ExportFile, ExportFilePart
from pharos.jobs.actions import job_start
from pharos.jobs.models import Job
from pharos.privacy import files

DEFAULT_JOB_ROWS: Final = 5000


def job_threshold() -> int:
    """Exports of more cases than this run as a background job."""
    return int(getattr(settings, "PHAROS_EXPORT_JOB_ROWS", DEFAULT_JOB_ROWS))


class ExportRefused(PermissionError):
    """The user may not export (no acting membership with ``exports.run``) or the format is unknown."""


@dataclass(frozen=True)
class ExportResult:
    """What was written: the format, the file, how many data rows, whether personal fields are in it."""

    format: str
    rows: int
    personal: bool


def _scope(actor: Any, fmt: str) -> queries.Scope:
    if fmt not in formats.FORMATS:
        raise ExportRefused(f"Unknown export format {fmt!r}; choose one of {', '.join(formats.FORMATS)}.")
    scope = queries.scope_for(actor)
    if scope is None:
        raise ExportRefused("This user may not export for the organisation they act for (exports.run).")
    return scope


def export_create(
    *, actor: Any, fmt: str, target: BinaryIO, progress: Callable[[int], None] | None = None
) -> ExportResult:
    """Write the ``fmt`` export of what ``actor`` may see to ``target`` and audit it (never the values)."""
    scope = dataclasses.replace(_scope(actor, fmt), progress=progress)
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


def export_start(*, actor: Any, fmt: str) -> Job:
    """Queue the ``fmt`` export of what ``actor`` may see as a job (run after commit); audited."""
    scope = _scope(actor, fmt)
    with transaction.atomic():
        job = job_start(
            actor=actor, kind="exports.file", params={"format": fmt}, organisation=scope.organisation
        )
        log.record(
            "exports.export.queued",
            actor=actor,
            organisation=scope.organisation,
            target=job,
            data={"format": fmt, "personal_fields": scope.personal},
        )
    return job


def export_store(
    *,
    actor: Any,
    job: Job,
    fmt: str,
    total: Callable[[int | None], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ExportFile:
    """Build the export as ``actor`` (the job's starter) and keep it encrypted; the job's work.

    The file is built in memory (never a plaintext temporary file), then sealed in parts no
    larger than an encrypted attachment may be. Run twice for one job, it keeps the first file.
    """
    existing = ExportFile.objects.unscoped("an export job looks for its own file").filter(job=job).first()
    if existing is not None:
        return existing
    scope = _scope(actor, fmt)
    if total is not None:
        total(queries.export_size(actor))
    buffer = io.BytesIO()
    result = export_create(actor=actor, fmt=fmt, target=buffer, progress=progress)
    data = buffer.getbuffer()
    step = files.max_bytes()
    name = formats.file_name(fmt, scope.organisation.code, job.created_at.date().isoformat())
    with transaction.atomic():
        stored = ExportFile.objects.create(
            organisation=scope.organisation,
            job=job,
            format=fmt,
            rows=result.rows,
            personal=result.personal,
            size=len(data),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        for index, start in enumerate(range(0, max(len(data), 1), step)):
            attachment = files.attachment_store(
                content=bytes(data[start : start + step]),
                file_name=f"{name}.part{index}",
                content_type=formats.media_type(fmt),
            )
            ExportFilePart.objects.create(export=stored, index=index, attachment=attachment)
    return stored


def export_file_read(*, actor: Any, export: ExportFile) -> Iterator[bytes]:
    """The file's bytes, part by part, for its starter; the download is audited first."""
    with transaction.atomic():
        log.record(
            "exports.export.downloaded",
            actor=actor,
            organisation=export.organisation,
            target=export,
            data={"format": export.format, "rows": export.rows, "personal_fields": export.personal},
        )
    parts = list(export.parts.select_related("attachment").order_by("index"))
    return (files.attachment_read(part.attachment) for part in parts)
