"""Per-request context (request id, client address, actor) for code far from the view.

Audit entries and log lines need the request id and address of the request that caused
them, even when written from an action called deep inside a view. A ContextVar keeps
them per request and per task without threading the request object everywhere.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip_address: str | None = None
    source: str = "web"


_current: ContextVar[RequestContext | None] = ContextVar("pharos_request_context", default=None)


def current() -> RequestContext:
    """The context of the running request, or a fresh one for CLI and job work."""
    ctx = _current.get()
    if ctx is None:
        ctx = RequestContext(request_id=uuid.uuid4().hex, source="cli")
        _current.set(ctx)
    return ctx


def activate(ctx: RequestContext) -> object:
    return _current.set(ctx)


def deactivate(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
