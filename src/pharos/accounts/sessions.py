"""Sliding idle sessions without a database write on every page.

Idle sessions end after ``SESSION_COOKIE_AGE`` (30 minutes by default): each request moves the
expiry forward. Django does that with ``SESSION_SAVE_EVERY_REQUEST``, which costs every page
an UPDATE and a commit (a fifth of a warm dashboard request on PostgreSQL). Here the expiry
moves only when it has aged by more than ``PHAROS_SESSION_SLIDE_SECONDS`` (60 by default), so
a session still ends at most that much earlier than a strict sliding window would end it, and
a user clicking through pages writes the session once a minute instead of on every click.
Django offers no such setting, hence these few lines: the store remembers the expiry it read,
the middleware saves when the session changed or when that expiry has aged past the step.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

DEFAULT_SLIDE_SECONDS = 60


def slide_seconds() -> int:
    return int(getattr(settings, "PHAROS_SESSION_SLIDE_SECONDS", DEFAULT_SLIDE_SECONDS))


class SessionStore(db.SessionStore):
    """The database session store, remembering the expiry of the row it loaded."""

    expires_at: datetime.datetime | None = None

    def load(self) -> dict[str, Any]:
        found = self._get_session_from_db()  # type: ignore[attr-defined]
        if not found:
            return {}
        self.expires_at = found.expire_date
        return self.decode(found.session_data)  # type: ignore[no-any-return]


class SlidingSessionMiddleware(SessionMiddleware):
    """Django's session middleware; an unchanged session is saved only when its expiry aged."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        expires_at = getattr(session, "expires_at", None)
        if session is not None and expires_at is not None and not session.modified:
            remaining = (expires_at - timezone.now()).total_seconds()
            if remaining < settings.SESSION_COOKIE_AGE - slide_seconds():
                session.modified = True
        return super().process_response(request, response)  # type: ignore[no-any-return]
