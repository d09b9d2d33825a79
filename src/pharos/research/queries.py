"""Reads of research datasets, scoped to the acting organisation."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from pharos.research.models import ResearchDataset, ResearchRow


def datasets_visible_to(user: Any, capability: str = "research.view") -> QuerySet[ResearchDataset]:
    """The organisation's research datasets, newest first."""
    datasets: QuerySet[ResearchDataset] = ResearchDataset.objects.visible_to(user, capability)
    return datasets.select_related("loaded_by").order_by("-loaded_at", "-id")


def get_dataset_for_user(
    user: Any, public_id: uuid.UUID | str, capability: str = "research.view"
) -> ResearchDataset:
    """One dataset, or 404 for both "no such dataset" and "not yours"."""
    try:
        return datasets_visible_to(user, capability).get(public_id=public_id)
    except (ResearchDataset.DoesNotExist, ValueError) as exc:
        raise Http404("No such research dataset") from exc


def dataset_rows(dataset: ResearchDataset) -> Iterator[list[str]]:
    """The dataset's rows in file order, values in the layout's column order."""
    columns = list(dataset.columns)
    values = ResearchRow.objects.filter(dataset=dataset).order_by("number").values_list("values", flat=True)
    for row in values.iterator(chunk_size=2000):
        yield [str(row.get(column, "")) for column in columns]


def summary_table(dataset: ResearchDataset, shown: int = 12) -> list[tuple[str, list[tuple[str, int]], int]]:
    """Per column: its most frequent values with their counts, and how many values are not shown."""
    table = []
    for column in dataset.columns:
        counts = sorted(dict(dataset.summary.get(column, {})).items(), key=lambda item: (-item[1], item[0]))
        table.append((column, counts[:shown], max(0, len(counts) - shown)))
    return table
