"""The audit log as rows: one shape for the CSV download, the JSON twin and the API."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from pharos.audit.models import AuditEvent

COLUMNS = (
    "seq",
    "occurred_at",
    "action",
    "label",
    "actor",
    "organisation",
    "country",
    "target_type",
    "target_id",
    "ip_address",
    "request_id",
    "source",
    "redacted",
    "data",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def event_row(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(),
        "action": event.action,
        "label": event.label,
        "actor": event.actor_label,
        "organisation": event.organisation.code if event.organisation is not None else None,
        "country": event.country_code,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "ip_address": event.ip_address,
        "request_id": event.request_id,
        "source": event.source,
        "redacted": event.redacted_at is not None,
        "data": event.data,
    }


def page_json(page: Page, **extra: Any) -> dict[str, Any]:
    return {
        "count": page.paginator.count,
        "page": page.number,
        "num_pages": page.paginator.num_pages,
        **extra,
        "results": [event_row(event) for event in page.object_list],
    }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    # A spreadsheet would run a cell starting with = + - @ as a formula.
    return "'" + text if text.startswith(_FORMULA_START) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for event in events:
        row = event_row(event)
        yield writer.writerow([_cell(row[column]) for column in COLUMNS])


def csv_response(events: QuerySet[AuditEvent], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(events.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
