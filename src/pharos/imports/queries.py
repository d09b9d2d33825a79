"""Reads of import batches and mappings, scoped to the acting organisation."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from pharos.imports.models import ImportBatch, ImportMapping


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
