"""The one way code records an audit event: ``record(...)`` inside the action's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import models
from django.utils import timezone

from pharos.audit import chain, events, masking
from pharos.audit.models import AuditEvent
from pharos.core import context
from pharos.tenancy import access


def target_ref(target: models.Model | None) -> tuple[str, str]:
    """How the log names an object: its model label and public id (or code, or key)."""
    if target is None:
        return "", ""
    identifier = getattr(target, "public_id", None) or getattr(target, "code", None) or target.pk
    return target._meta.label_lower, str(identifier)


def build(
    action: str,
    *,
    actor: Any,
    target: models.Model | None = None,
    data: Mapping[str, Any] | None = None,
    personal: Iterable[str] = (),
    organisation: Any = None,
    target_key: tuple[str, str] | None = None,
) -> AuditEvent:
    """An unsaved event; ``target_key`` names a target by (type, id) when no object is at hand."""
    events.describe(action)
    ctx = context.current()
    membership = access.acting_membership(actor)
    if organisation is None and membership is not None:
        organisation = membership.organisation
    target_type, target_id = target_key if target_key is not None else target_ref(target)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent(
        occurred_at=timezone.now(),
        action=action,
        actor=actor if is_user else None,
        actor_label=(getattr(actor, "email", "") if is_user else str(actor or "system")),
        organisation=organisation,
        country_code=getattr(getattr(organisation, "country", None), "code", "") if organisation else "",
        target_type=target_type,
        target_id=target_id,
        ip_address=ctx.ip_address,
        request_id=ctx.request_id,
        source=ctx.source,
        data=masking.mask(dict(data or {}), personal),
    )


def record(action: str, **kwargs: Any) -> AuditEvent:
    """Append one event; call inside the transaction of the write it describes."""
    return chain.append([build(action, **kwargs)])[0]


def record_many(action: str, *, targets: Sequence[models.Model], **kwargs: Any) -> list[AuditEvent]:
    """One event per target (say, each person shown on a list page), appended together."""
    if not targets:
        return []
    return chain.append([build(action, target=t, **kwargs) for t in targets])
