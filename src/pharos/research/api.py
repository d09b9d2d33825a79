"""API operations of research datasets: the list and one dataset's summary (the page's twin)."""

import uuid
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from pharos.api.security import requires
from pharos.research import queries
from pharos.research.models import ResearchDataset

router = Router(tags=["research"])
LISTED = 200


class DatasetOut(Schema):
    public_id: uuid.UUID
    name: str
    layout: str
    source: str
    file_name: str
    file_sha256: str
    row_count: int
    columns: list[str]
    loaded_at: datetime


class DatasetDetailOut(DatasetOut):
    summary: dict[str, dict[str, int]]


def dataset_out(dataset: ResearchDataset, *, summary: bool = False) -> dict[str, Any]:
    fields = DatasetDetailOut.model_fields if summary else DatasetOut.model_fields
    return {name: getattr(dataset, name) for name in fields}


@router.get("/research/datasets", response=list[DatasetOut], summary="Research datasets")
@requires("research.view")
def dataset_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The research datasets (CTDC layouts) of the organisation you act for, newest first."""
    return [dataset_out(d) for d in queries.datasets_visible_to(request.user)[:LISTED]]


@router.get("/research/datasets/{public_id}", response=DatasetDetailOut, summary="One research dataset")
@requires("research.view")
def dataset_detail(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """The dataset with its summary: for each column, each value and how many rows have it."""
    return dataset_out(queries.get_dataset_for_user(request.user, public_id), summary=True)
