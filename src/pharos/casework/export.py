"""Everything held about one person, as JSON and as a PDF (the person's right of access).

The JSON is the complete record: the person's identifiers, every case of the person the
reader's organisation holds with its decisions, events, perpetrator accounts, notes,
tasks, closure requests, attachment metadata and timeline, and the sections other
modules register (``registry.export_section``: referrals, assistance…). The PDF is the
same content laid out for reading, rendered by WeasyPrint with fonts from the machine or
from static files (no network), right to left when the language is.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone, translation

from pharos.cases.models import PerpetratorAccount, StatusDecision, TraffickingEvent
from pharos.casework import queries, registry
from pharos.casework.models import CaseAttachment, CaseNote, ClosureRequest, Task
from pharos.persons.models import Person

_SKIP = {"id", "organisation", "case", "person", "attachment", "name_index", "identity_index"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def record(obj: models.Model, skip: set[str] | None = None) -> dict[str, Any]:
    """Every concrete field of ``obj`` (decrypted), foreign keys as their text."""
    out: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in _SKIP | (skip or set()):
            continue
        if isinstance(field, models.ForeignKey):
            related = getattr(obj, field.name)
            out[field.name] = str(related) if related is not None else None
        else:
            out[field.name] = _plain(getattr(obj, field.attname))
    return out


def collect(user: Any, person: Person) -> dict[str, Any]:
    """The export's content for ``person``, read within the reader's scope."""
    cases = list(
        queries.cases_visible_to(user, "cases.view")
        .filter(person=person)
        .select_related("assigned_to")
        .order_by("registered_on", "id")
    )
    scope = "reading the children of cases already scoped to the reader"
    out_cases = []
    for case in cases:
        out_cases.append(
            {
                "case": record(case),
                "status_decisions": [
                    record(d)
                    for d in StatusDecision.objects.unscoped(scope)
                    .filter(case=case)
                    .order_by("decided_on", "id")
                ],
                "events": [
                    record(e)
                    for e in TraffickingEvent.objects.unscoped(scope).filter(case=case).order_by("id")
                ],
                "perpetrator_accounts": [
                    record(a)
                    for a in PerpetratorAccount.objects.unscoped(scope).filter(case=case).order_by("id")
                ],
                "notes": [
                    record(n)
                    for n in CaseNote.objects.unscoped(scope)
                    .filter(case=case)
                    .select_related("author")
                    .order_by("created_at", "id")
                ],
                "tasks": [
                    record(t) for t in Task.objects.unscoped(scope).filter(case=case).order_by("due_on", "id")
                ],
                "closure_requests": [
                    record(r)
                    for r in ClosureRequest.objects.unscoped(scope)
                    .filter(case=case)
                    .order_by("requested_at", "id")
                ],
                "attachments": [
                    {**record(a), "file_name": a.attachment.file_name, "size": a.attachment.size}
                    for a in CaseAttachment.objects.unscoped(scope)
                    .filter(case=case)
                    .select_related("attachment")
                    .order_by("created_at", "id")
                ],
                "timeline": [
                    {
                        "occurred_at": _plain(i.occurred_at),
                        "kind": i.kind,
                        "summary": i.summary,
                        "by": i.actor,
                        "text": i.text,
                    }
                    for i in queries.timeline(user, case)
                ],
            }
        )
    data: dict[str, Any] = {
        "format": "pharos.person-export/1",
        "exported_at": timezone.now().isoformat(),
        "person": record(person),
        "cases": out_cases,
    }
    for section in registry.export_sections():
        data[section.name] = section.collect(person, cases)
    return data


def counts(data: dict[str, Any]) -> dict[str, int]:
    """How many records of each kind an export holds (for the audit entry)."""
    found = {"cases": len(data["cases"])}
    for key in (
        "status_decisions",
        "events",
        "perpetrator_accounts",
        "notes",
        "tasks",
        "closure_requests",
        "attachments",
    ):
        found[key] = sum(len(c[key]) for c in data["cases"])
    for section in registry.export_sections():
        value = data.get(section.name)
        found[section.name] = len(value) if isinstance(value, list) else 1
    return found


def _rows(value: Any) -> list[dict[str, Any]]:
    """A section as a list of flat records, whatever shape its module returned."""
    items = value if isinstance(value, list) else [value] if value else []
    return [item if isinstance(item, dict) else {"value": item} for item in items]


def render_pdf(data: dict[str, Any], *, base_url: str, **options: Any) -> bytes:
    """The export as a PDF in the active language (right to left when it is).

    ``options`` go to WeasyPrint's ``write_pdf`` (``uncompressed_pdf=True`` for a test to read).
    """
    from weasyprint import HTML

    html = render_to_string(
        "casework/person_export.html",
        {
            "data": data,
            "sections": [(s.label, _rows(data.get(s.name))) for s in registry.export_sections()],
            "rtl": translation.get_language_bidi(),
            "language": translation.get_language() or "en",
        },
    )
    return HTML(string=html, base_url=base_url).write_pdf(**options)  # type: ignore[no-any-return]
