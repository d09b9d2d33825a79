"""API operations of the audit module: the acting organisation's events, filtered and paged."""

from datetime import date
from typing import Any

from django.core.paginator import EmptyPage, Paginator
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from pharos.api.security import requires
from pharos.audit import actions, exports, queries

router = Router(tags=["audit"])
PAGE_SIZE = 50


class EventFilters(Schema):
    action: str = Field("", max_length=80, description="Event name or its beginning (persons.person).")
    actor: str = Field("", max_length=254, description="E-mail address of who acted.")
    date_from: date | None = Field(None, description="From this day (UTC).")
    date_to: date | None = Field(None, description="Up to and including this day (UTC).")
    target: str = Field("", max_length=64, description="Identifier of the object.")
    page: int = Field(1, ge=1)


class EventOut(Schema):
    seq: int
    occurred_at: str
    action: str
    label: str
    actor: str
    organisation: str | None
    country: str
    target_type: str
    target_id: str
    ip_address: str | None
    request_id: str
    source: str
    redacted: bool
    data: dict[str, Any]


class EventPage(Schema):
    count: int
    page: int
    num_pages: int
    results: list[EventOut]


@router.get("/audit/events", response=EventPage, summary="Audit events of your organisation")
@requires("audit.view")
def audit_events(request: HttpRequest, filters: Query[EventFilters]) -> dict[str, Any]:
    """Newest first, 50 a page. Reading the log is itself recorded (``audit.log.viewed``)."""
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise HttpError(422, "date_to is before date_from.")
    chosen = queries.EventFilter(
        action=filters.action.strip(),
        actor=filters.actor.strip(),
        date_from=filters.date_from,
        date_to=filters.date_to,
        target=filters.target.strip(),
    )
    events = queries.filter_events(queries.events_visible_to(request.user, "audit.view"), chosen)
    paginator = Paginator(events, PAGE_SIZE, allow_empty_first_page=True)
    try:
        page = paginator.page(filters.page)
    except EmptyPage as exc:
        raise HttpError(404, "No such page.") from exc
    body = exports.page_json(page)
    actions.audit_log_read(actor=request.user, filters=chosen.as_data(), output="api", page=page.number)
    return body
