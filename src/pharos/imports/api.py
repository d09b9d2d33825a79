"""API operations of the imports module: the organisation's batches, and rolling one back."""

import uuid
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from pharos.api.security import requires
from pharos.imports import actions, queries
from pharos.imports.models import ImportBatch

router = Router(tags=["imports"])
LISTED = 200


class BatchOut(Schema):
    public_id: uuid.UUID
    file_name: str
    file_sha256: str
    status: str
    rows_total: int
    rows_rejected: int
    rows_skipped: int
    records_created: int
    mapping: dict[str, str]
    created_at: datetime


class RollbackOut(Schema):
    batch: BatchOut
    cases_removed: int


def batch_out(batch: ImportBatch) -> dict[str, Any]:
    return {name: getattr(batch, name) for name in BatchOut.model_fields}


@router.get("/imports/batches", response=list[BatchOut], summary="Import batches")
@requires("imports.run")
def batch_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The last 200 files imported or checked for the organisation you act for (counts only)."""
    return [batch_out(b) for b in queries.batches_visible_to(request.user)[:LISTED]]


@router.get("/imports/batches/{public_id}", response=BatchOut, summary="One import batch")
@requires("imports.run")
def batch_detail(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    return batch_out(queries.get_batch_for_user(request.user, public_id))


@router.post("/imports/batches/{public_id}/rollback", response=RollbackOut, summary="Roll an import back")
@requires("imports.run")
def batch_rollback(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """Remove the cases the batch created and the persons registered for them (audited)."""
    batch = queries.get_batch_for_user(request.user, public_id)
    try:
        removed = actions.import_batch_rollback(actor=request.user, batch=batch)
    except actions.ImportError_ as exc:
        raise HttpError(409, str(exc)) from exc
    return {"batch": batch_out(batch), "cases_removed": removed}
