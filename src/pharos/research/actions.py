"""Writes of research datasets: load a CTDC file (all rows or none), delete a dataset.

A file is read twice, row by row, like a case import: the first pass checks every cell
against the layout's code lists (nothing written), the second, only when no row was
rejected, stores the rows in one transaction. The same file (SHA-256) loaded again by the
same organisation changes nothing.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from django.db import transaction
from django.utils.translation import gettext as _

from pharos.audit import log
from pharos.cases.validation import Problem
from pharos.imports import reading
from pharos.imports.reading import Refused
from pharos.research import layouts
from pharos.research.models import ResearchDataset, ResearchRow
from pharos.tenancy.models import Organisation

CHUNK: Final = 2000
MAX_REPORTED_ROWS: Final = 1000


@dataclass
class RejectedRow:
    """A row that did not pass: its number in the file, its cells, what is wrong."""

    number: int
    cells: dict[str, str]
    problems: list[Problem]


@dataclass
class LoadOutcome:
    """What a load did (or would do)."""

    file_name: str
    sha256: str = ""
    layout: str = ""
    status: str = ""  # "loaded", "checked", "rejected", "already_loaded", "refused"
    refused: str = ""
    headers: list[str] = field(default_factory=list)
    rows_total: int = 0
    rows_rejected: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    dataset: ResearchDataset | None = None

    @property
    def ok(self) -> bool:
        return not self.refused and not self.rows_rejected


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read(path: Path, layout_key: str | None) -> tuple[layouts.Layout, list[str], Iterator[tuple[int, dict]]]:
    numbered = ((n, row) for n, row in enumerate(reading.rows(path), start=1))
    filled = ((n, row) for n, row in numbered if any(c.strip() for c in row))
    first = next(filled, None)
    if first is None:
        raise Refused(_("The file has no rows."))
    headers = [c.strip() for c in first[1]]
    layout = layouts.LAYOUTS.get(layout_key or "") or layouts.detect(headers)
    if layout is None:
        raise Refused(
            _(
                "The header row is not one of CTDC's layouts (the Global Synthetic Dataset's 27 "
                "variables or the Victim-Perpetrator dataset's 16)."
            )
        )
    absent = layouts.missing(layout, headers)
    if absent:
        raise Refused(
            _("The file lacks columns of the %(layout)s layout: %(columns)s.")
            % {"layout": layout.key, "columns": ", ".join(absent)}
        )
    records = ((n, dict(zip(headers, row, strict=False))) for n, row in filled)
    return layout, headers, records


def research_dataset_load(
    *,
    actor: Any,
    organisation: Organisation,
    path: Path,
    file_name: str = "",
    name: str = "",
    layout: str | None = None,
    source: str = "",
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> LoadOutcome:
    """Check ``path`` against its CTDC layout and, unless a row is rejected, store it as a dataset.

    Never raises for a bad file: a refused file comes back with ``outcome.refused`` set.
    """
    outcome = LoadOutcome(file_name=file_name or path.name)
    try:
        reading.check_size(path)
        outcome.sha256 = _sha256(path)
        found, outcome.headers, records = _read(path, layout)
        outcome.layout = found.key
        previous = (
            ResearchDataset.objects.unscoped("a load checks whether the same file was loaded before")
            .filter(organisation=organisation, file_sha256=outcome.sha256)
            .first()
        )
        if previous is not None:
            outcome.status, outcome.dataset = "already_loaded", previous
            return outcome
        for number, cells in records:
            outcome.rows_total += 1
            _clean, problems = layouts.check(cells, found)
            if problems:
                outcome.rows_rejected += 1
                if len(outcome.rejected) < MAX_REPORTED_ROWS:
                    outcome.rejected.append(RejectedRow(number, cells, problems))
            if progress is not None and outcome.rows_total % CHUNK == 0:
                progress(CHUNK)
        if outcome.rows_total == 0:
            raise Refused(_("The file has a header row but no data rows."))
        if outcome.rows_rejected or dry_run:
            outcome.status = "rejected" if outcome.rows_rejected else "checked"
            return outcome
        outcome.dataset = _store(actor, organisation, path, outcome, found, name, source, progress)
        outcome.status = "loaded"
    except Refused as exc:
        outcome.refused, outcome.status = str(exc), "refused"
        with transaction.atomic():
            log.record(
                "research.dataset.refused",
                actor=actor,
                organisation=organisation,
                target_key=("research.file", outcome.sha256 or "-"),
                data={"file_sha256": outcome.sha256, "reason": outcome.refused},
            )
    return outcome


def _store(
    actor: Any,
    organisation: Organisation,
    path: Path,
    outcome: LoadOutcome,
    layout: layouts.Layout,
    name: str,
    source: str,
    progress: Callable[[int], None] | None,
) -> ResearchDataset:
    _layout, _headers, records = _read(path, layout.key)
    counts: dict[str, Counter[str]] = {column: Counter() for column in layout.names}
    stored = 0
    with transaction.atomic():
        dataset = ResearchDataset.objects.create(
            organisation=organisation,
            name=(name or outcome.file_name)[:200],
            layout=layout.key,
            source=(source or layout.source)[:300],
            file_name=outcome.file_name[:255],
            file_sha256=outcome.sha256,
            columns=layout.names,
            loaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        while chunk := list(itertools.islice(records, CHUNK)):
            batch = []
            for number, cells in chunk:
                clean, problems = layouts.check(cells, layout)
                if problems:  # the file changed between the two passes
                    raise Refused(_("The file changed while it was being loaded; nothing was loaded."))
                for column, value in clean.items():
                    for part in value.split(";") if value else [""]:
                        counts[column][part] += 1
                batch.append(ResearchRow(dataset=dataset, number=number, values=clean))
            ResearchRow.objects.bulk_create(batch)
            stored += len(batch)
            if progress is not None:
                progress(len(batch))
        dataset.row_count = stored
        dataset.summary = {column: dict(counter.most_common()) for column, counter in counts.items()}
        dataset.save(update_fields=["row_count", "summary"])
        log.record(
            "research.dataset.loaded",
            actor=actor,
            target=dataset,
            organisation=organisation,
            data={"layout": layout.key, "rows": stored, "file_sha256": outcome.sha256},
        )
    return dataset


def research_dataset_delete(*, actor: Any, dataset: ResearchDataset) -> int:
    """Delete a dataset and its rows; returns how many rows went. Audited (name, layout, rows)."""
    with transaction.atomic():
        rows = dataset.row_count
        log.record(
            "research.dataset.deleted",
            actor=actor,
            target=dataset,
            organisation=dataset.organisation,
            data={"name": dataset.name, "layout": dataset.layout, "rows": rows},
        )
        ResearchRow.objects.filter(dataset=dataset).delete()
        dataset.delete()
    return rows
