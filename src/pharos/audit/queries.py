"""Reads of the audit log: an organisation's events, and the history of one object."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from pharos.audit import log
from pharos.audit.models import AuditEvent
from pharos.tenancy import access


def events_visible_to(user: Any, capability: str = "audit.view") -> QuerySet[AuditEvent]:
    """The events recorded for the organisation the user acts for, if they hold ``capability``.

    AuditEvent is not tenant data with a scoped manager (system events have no
    organisation); this is its scope: an auditor reads their own organisation's entries.
    """
    membership = access.acting_membership(user)
    if membership is None or not membership.has(capability):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(organisation_id=membership.organisation_id)


@dataclass(frozen=True)
class EventFilter:
    """What a reader of the log narrowed it to; every field optional."""

    action: str = ""
    actor: str = ""
    date_from: date | None = None
    date_to: date | None = None
    target: str = ""

    def as_data(self) -> dict[str, str]:
        """The filters in use, as recorded in the ``audit.log.viewed`` event."""
        values = {
            "action": self.action,
            "actor": self.actor,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "target": self.target,
        }
        return {key: value for key, value in values.items() if value}


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def filter_events(events: QuerySet[AuditEvent], filters: EventFilter) -> QuerySet[AuditEvent]:
    """Narrow ``events`` by the filters; newest first."""
    if filters.action:
        events = events.filter(action__startswith=filters.action)
    if filters.actor:
        events = events.filter(actor_label__iexact=filters.actor)
    if filters.date_from:
        events = events.filter(occurred_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        events = events.filter(occurred_at__lt=_start_of(filters.date_to + timedelta(days=1)))
    if filters.target:
        events = events.filter(target_id=filters.target)
    return events.select_related("organisation").order_by("-seq")


def history_for(target: models.Model) -> QuerySet[AuditEvent]:
    """Who viewed or changed ``target``, newest first, whichever organisation they acted for.

    Not scoped by organisation: the caller has already looked the target up for the
    user (``get_<thing>_for_user``) and checked the capability to see its history.
    """
    target_type, target_id = log.target_ref(target)
    return history_for_key(target_type, target_id)


def history_for_key(target_type: str, target_id: str) -> QuerySet[AuditEvent]:
    """As ``history_for``, for a target named by its type and id (say, after erasure)."""
    if not target_type or not target_id:
        return AuditEvent.objects.none()
    return (
        AuditEvent.objects.filter(target_type=target_type, target_id=target_id)
        .select_related("organisation")
        .order_by("-seq")
    )
