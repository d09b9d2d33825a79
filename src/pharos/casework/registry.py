"""What other modules add to case work: timeline entry kinds and sections of a person's export.

A module registers once, when its ``apps.ready`` or ``tasks`` module is imported::

    from pharos.casework.registry import export_section, timeline_kind

    timeline_kind("referrals.referral.sent", _("Referral sent to %(organisation)s"))

    @export_section("referrals", _("Referrals"))
    def referrals_of(person, cases):  # -> list of JSON-able dicts
        ...

and then writes entries with ``pharos.casework.actions.timeline_add`` inside its own
actions. Casework never imports those modules: a module that does not exist simply adds
nothing to the timeline or the export.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ExportFunction = Callable[[Any, list[Any]], list[dict[str, Any]]]


@dataclass(frozen=True)
class ExportSection:
    name: str
    label: Promise | str
    collect: ExportFunction


_TIMELINE: dict[str, Promise | str] = {}
_EXPORT: dict[str, ExportSection] = {}


def timeline_kind(name: str, label: Promise | str) -> str:
    """Register a kind of timeline entry; ``label`` may use ``%(key)s`` of the entry's data."""
    existing = _TIMELINE.get(name)
    if existing is not None and str(existing) != str(label):
        raise ImproperlyConfigured(f"Timeline kind {name!r} is registered twice with different labels")
    _TIMELINE[name] = label
    return name


def timeline_kinds() -> list[str]:
    return sorted(_TIMELINE)


def require_timeline_kind(name: str) -> None:
    if name not in _TIMELINE:
        raise LookupError(f"Timeline kind {name!r} is not registered; use casework.registry.timeline_kind")


def describe(kind: str, data: Mapping[str, Any]) -> str:
    """The entry's sentence in the active language; the label alone if its data does not fit."""
    label = str(_TIMELINE.get(kind, kind))
    try:
        return label % dict(data) if "%(" in label else label
    except (KeyError, TypeError, ValueError):
        return label


def export_section(name: str, label: Promise | str) -> Callable[[ExportFunction], ExportFunction]:
    """Register what a module holds about a person, for the person's export."""

    def register(func: ExportFunction) -> ExportFunction:
        existing = _EXPORT.get(name)
        if existing is not None and existing.collect.__qualname__ != func.__qualname__:
            raise ImproperlyConfigured(f"Export section {name!r} is registered twice")
        _EXPORT[name] = ExportSection(name=name, label=label, collect=func)
        return func

    return register


def export_sections() -> list[ExportSection]:
    return [_EXPORT[name] for name in sorted(_EXPORT)]


# The kinds case work itself writes.
timeline_kind("casework.task.created", _("Task set, due %(due_on)s"))
timeline_kind("casework.task.rescheduled", _("Task moved to %(due_on)s"))
timeline_kind("casework.task.completed", _("Task done"))
timeline_kind("casework.note.added", _("Note added"))
timeline_kind("casework.attachment.added", _("File attached (%(document_type)s)"))
timeline_kind("casework.case.assigned", _("Case assigned to %(worker)s"))
timeline_kind("casework.case.transferred", _("Case transferred from %(previous)s to %(worker)s"))
timeline_kind("casework.closure.requested", _("Closure requested: %(reason)s"))
timeline_kind("casework.closure.approved", _("Closure approved: %(reason)s"))
timeline_kind("casework.closure.rejected", _("Closure rejected"))
timeline_kind("casework.case.reopened", _("Case reopened"))
timeline_kind("casework.case.erased", _("Personal data erased after the retention period"))
