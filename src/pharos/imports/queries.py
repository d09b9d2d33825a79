"""Reads of import batches, uploads and mappings, scoped to the acting organisation."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from pharos.imports.models import ImportBatch, ImportMapping, ImportUpload
from pharos.jobs.models import Job
from pharos.jobs.queries import get_job_for_user


def batches_visible_to(user: Any, capability: str = "imports.run") -> QuerySet[ImportBatch]:
    """The organisation's import batches, newest first."""
    batches: QuerySet[ImportBatch] = ImportBatch.objects.visible_to(user, capability)
    return batches.order_by("-created_at", "-id")


def get_batch_for_user(user: Any, public_id: uuid.UUID | str, capability: str = "imports.run") -> ImportBatch:
    """One batch, or 404 for both "no such batch" and "not yours"."""
    try:
        return batches_visible_to(user, capability).get(public_id=public_id)
    except (ImportBatch.DoesNotExist, ValueError) as exc:
        raise Http404("No such import batch") from exc


def mappings_visible_to(user: Any, capability: str = "imports.run") -> QuerySet[ImportMapping]:
    mappings: QuerySet[ImportMapping] = ImportMapping.objects.visible_to(user, capability)
    return mappings.order_by("name")


def get_upload_for_user(
    user: Any, public_id: uuid.UUID | str, capability: str = "imports.run"
) -> ImportUpload:
    """One uploaded file of the acting organisation, or 404 for "missing" and "not yours"."""
    try:
        return (
            ImportUpload.objects.visible_to(user, capability)
            .select_related("attachment", "organisation")
            .get(public_id=public_id)
        )
    except (ImportUpload.DoesNotExist, ValueError) as exc:
        raise Http404("No such upload") from exc


def get_upload_of_job(job: Job) -> ImportUpload | None:
    """The upload a job of the job's own organisation names (the job runner's scope)."""
    return (
        ImportUpload.objects.unscoped("a job reads the upload its params name, in its organisation")
        .select_related("attachment")
        .filter(public_id=job.params.get("upload"), organisation_id=job.organisation_id)
        .first()
    )


def get_upload_job_for_user(user: Any, upload: ImportUpload, job_id: uuid.UUID | str) -> Job:
    """A job of ``upload`` the user may follow, or 404."""
    job = get_job_for_user(user, job_id, "imports.run")
    if job.kind != "imports.file" or job.params.get("upload") != str(upload.public_id):
        raise Http404("No such job")
    return job
