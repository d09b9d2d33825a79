"""Writes of the standards module: loading the code-list files into the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from pharos.audit import log
from pharos.standards import codelists
from pharos.standards.models import Code, CodeList


@dataclass
class LoadReport:
    """What a load changed. A second load of the same files changes nothing."""

    lists_created: list[str] = field(default_factory=list)
    lists_updated: list[str] = field(default_factory=list)
    codes_created: int = 0
    codes_updated: int = 0
    codes_closed: int = 0
    codes_unchanged: int = 0
    lists_with_changes: set[str] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        return bool(
            self.lists_created
            or self.lists_updated
            or self.codes_created
            or self.codes_updated
            or self.codes_closed
        )

    def summary(self) -> dict[str, Any]:
        return {
            "lists_created": len(self.lists_created),
            "lists_updated": len(self.lists_updated),
            "codes_created": self.codes_created,
            "codes_updated": self.codes_updated,
            "codes_closed": self.codes_closed,
            "codes_unchanged": self.codes_unchanged,
        }


_LIST_FIELDS = ("title", "source", "version", "multiple", "deprecated", "notes", "mapping_lists")
_CODE_FIELDS = ("labels", "valid_to", "sort_order", "mappings", "verified", "aliases", "notes")


def _list_values(parsed: codelists.CodeListFile) -> dict[str, Any]:
    return {
        "title": parsed.title,
        "source": parsed.source,
        "version": parsed.version,
        "multiple": parsed.multiple,
        "deprecated": parsed.deprecated,
        "notes": parsed.notes,
        "mapping_lists": parsed.mapping_lists,
    }


def _code_values(entry: codelists.CodeEntry) -> dict[str, Any]:
    return {
        "labels": entry.labels,
        "valid_to": entry.valid_to,
        "sort_order": entry.sort_order,
        "mappings": entry.mappings,
        "verified": entry.verified,
        "aliases": list(entry.aliases),
        "notes": entry.notes,
    }


def _sync_list(parsed: codelists.CodeListFile, report: LoadReport, today: date) -> None:
    values = _list_values(parsed)
    code_list = CodeList.objects.filter(key=parsed.key).first()
    if code_list is None:
        code_list = CodeList.objects.create(key=parsed.key, **values)
        report.lists_created.append(parsed.key)
        report.lists_with_changes.add(parsed.key)
    elif any(getattr(code_list, name) != values[name] for name in _LIST_FIELDS):
        for name in _LIST_FIELDS:
            setattr(code_list, name, values[name])
        code_list.save(update_fields=list(_LIST_FIELDS))
        report.lists_updated.append(parsed.key)
        report.lists_with_changes.add(parsed.key)
    if code_list.file_sha256 != parsed.sha256:
        code_list.file_sha256 = parsed.sha256
        code_list.loaded_at = timezone.now()
        code_list.save(update_fields=["file_sha256", "loaded_at"])

    stored = {(c.code, c.valid_from): c for c in code_list.codes.all()}
    in_file: set[tuple[str, date]] = set()
    for entry in parsed.codes:
        identity = (entry.code, entry.valid_from)
        in_file.add(identity)
        wanted = _code_values(entry)
        row = stored.get(identity)
        if row is None:
            Code.objects.create(code_list=code_list, code=entry.code, valid_from=entry.valid_from, **wanted)
            report.codes_created += 1
            report.lists_with_changes.add(parsed.key)
        elif any(getattr(row, name) != wanted[name] for name in _CODE_FIELDS):
            for name in _CODE_FIELDS:
                setattr(row, name, wanted[name])
            row.save(update_fields=list(_CODE_FIELDS))
            report.codes_updated += 1
            report.lists_with_changes.add(parsed.key)
        else:
            report.codes_unchanged += 1
    _close_missing(parsed.key, stored, in_file, report, today)


def _close_missing(
    key: str,
    stored: dict[tuple[str, date], Code],
    keep: set[tuple[str, date]],
    report: LoadReport,
    today: date,
) -> None:
    """A code no longer in its file stops being valid yesterday; its row stays for old records."""
    last_day = today - timedelta(days=1)
    for identity, row in stored.items():
        if identity in keep or (row.valid_to is not None and row.valid_to <= last_day):
            continue
        row.valid_to = last_day
        row.save(update_fields=["valid_to"])
        report.codes_closed += 1
        report.lists_with_changes.add(key)


@transaction.atomic
def codelists_load(
    *, actor: Any = None, directory: Path | None = None, today: date | None = None
) -> LoadReport:
    """Bring the database in line with the code-list files; idempotent, never deletes a code.

    A new code is added, a changed label or mapping is updated in place, and a code that is no
    longer in its file is closed (``valid_to`` set to the day before the load) but kept, so
    records that use it still show its label. Stored records are never touched: they hold
    the code string, not a reference to a row.
    """
    day = today or timezone.localdate()
    parsed_lists = codelists.read_all(directory)
    report = LoadReport()
    for parsed in parsed_lists.values():
        _sync_list(parsed, report, day)
    for orphan in CodeList.objects.exclude(key__in=list(parsed_lists)):
        # A whole file removed: close its codes, keep the list for the records using it.
        stored = {(c.code, c.valid_from): c for c in orphan.codes.all()}
        _close_missing(orphan.key, stored, set(), report, day)
    if report.changed:
        log.record(
            "standards.codelists.loaded",
            actor=actor,
            data={
                **report.summary(),
                "lists": sorted(report.lists_with_changes),
            },
        )
    return report
