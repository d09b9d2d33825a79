"""Importing case files: check (dry run), commit all or nothing, roll back; saving mappings.

A file is read once, row by row in chunks, so memory stays bounded whatever its length.
A dry run only checks. An import checks each row once and writes each chunk of valid rows
with one INSERT per table, all in **one transaction** for the whole batch: when a row is
rejected, writing stops, checking goes on (the report names every rejected cell) and the
transaction is rolled back. A file already imported (same SHA-256) or a row whose
``record_id`` the organisation already holds changes nothing. Every record keeps its
provenance: source organisation, file hash, batch and row; the audit log has one entry per
chunk for the persons and one for the cases (count, references, batch), and one for the batch.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from django.db import transaction
from django.utils.translation import gettext as _

from pharos.audit import log
from pharos.cases.actions import CaseError, case_register_checked_many
from pharos.cases.models import StatusDecision, VictimCase
from pharos.cases.validation import Invalid, Problem, Vocabulary
from pharos.imports import mapping as columns
from pharos.imports import reading, records
from pharos.imports.models import ImportBatch, ImportMapping, ImportUpload
from pharos.imports.reading import Refused
from pharos.persons.actions import PersonError
from pharos.persons.models import Person
from pharos.privacy import files
from pharos.tenancy.models import Organisation

CHUNK: Final = 1000
MAX_REPORTED_ROWS: Final = 1000  # rejected rows kept with their cells for the report


class ImportError_(Exception):  # noqa: N801 - "ImportError" is Python's own
    """An import action that cannot be done in the batch's current state."""


@dataclass
class Outcome:
    """What an import did (or would do): counts, and the rejected rows to explain."""

    file_name: str
    sha256: str = ""
    status: str = ""
    refused: str = ""
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    rows_total: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0
    records_created: int = 0
    rejected: list[records.Row] = field(default_factory=list)
    batch: ImportBatch | None = None

    @property
    def ok(self) -> bool:
        return not self.refused and not self.rows_rejected

    def rejected_cells(self) -> list[tuple[int, str, Problem]]:
        """(row in file, column header, problem) for every rejected cell kept."""
        return [(row.number, self.column_of(p), p) for row in self.rejected for p in row.problems]

    def column_of(self, problem: Problem) -> str:
        """The header of the column a problem is about ('' for a whole-row problem)."""
        target = records.FIELD_TARGET.get(problem.field, problem.field)
        wanted = [target]
        if target == "vic_RegistrationDate":
            wanted.append("vic_YearOfRegistration")
        for want in wanted:
            for header, mapped in self.mapping.items():
                if mapped == want:
                    return header
        return ""


def file_sha256(item: Path | reading.Source) -> str:
    digest = hashlib.sha256()
    with reading.as_source(item).open() as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class _Source:
    headers: list[str]
    hxl: list[str]
    data: Iterator[tuple[int, list[str]]]


def _open(path: Path | reading.Source) -> _Source:
    """The header row (and HXL row), then the numbered data rows; empty rows are skipped."""
    numbered = ((n, row) for n, row in enumerate(reading.rows(path), start=1))
    filled = ((n, row) for n, row in numbered if any(c.strip() for c in row))
    headers: list[str] | None = None
    hxl: list[str] = []
    for number, row in filled:
        cells = [c.strip() for c in row]
        if headers is None:
            headers = cells
            continue
        if columns.is_hxl_row(cells) and not hxl:
            hxl = cells
            continue
        if columns.looks_like_labels(cells, headers):
            continue  # the HTCDS template's row of human labels
        first = (number, row)
        return _Source(headers, hxl, itertools.chain([first], filled))
    if headers is None:
        raise Refused(_("The file has no rows."))
    raise Refused(_("The file has a header row but no data rows."))


def _cells(row: Sequence[str], headers: Sequence[str], mapping: dict[str, str]) -> dict[str, str]:
    cells: dict[str, str] = {}
    for index, header in enumerate(headers):
        target = mapping.get(header, "")
        if target and index < len(row):
            cells[target] = row[index]
    return cells


def _chunks(source: _Source, mapping: dict[str, str]) -> Iterator[list[tuple[int, dict[str, str]]]]:
    """Rows in chunks of ``CHUNK``; a row with nothing in a mapped column (the template's
    numbered empty rows) is not a record."""
    mapped = ((n, _cells(row, source.headers, mapping)) for n, row in source.data)
    records_only = ((n, cells) for n, cells in mapped if any(v.strip() for v in cells.values()))
    while True:
        chunk = list(itertools.islice(records_only, CHUNK))
        if not chunk:
            return
        yield chunk


def _known_ids(organisation: Organisation, ids: Iterable[str]) -> set[str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return set()
    return set(
        VictimCase.objects.unscoped("an import checks which record ids the organisation already holds")
        .filter(organisation=organisation, external_id__in=wanted)
        .values_list("external_id", flat=True)
    )


def _saved_mapping(organisation: Organisation, name: str) -> dict[str, str]:
    found = (
        ImportMapping.objects.unscoped("the import reads the mapping its caller named")
        .filter(organisation=organisation, name=name)
        .first()
    )
    if found is None:
        raise Refused(_("There is no saved mapping called “%(name)s”.") % {"name": name})
    return dict(found.columns)


def _mapping_for(
    organisation: Organisation, name: str | None, source: _Source, given: dict[str, str] | None = None
) -> dict[str, str]:
    saved: dict[str, str] = {}
    if given is not None:  # chosen column by column on the mapping page
        saved = {header: given.get(header, "") for header in source.headers}
    elif name:
        saved = _saved_mapping(organisation, name)
    mapped = columns.apply(saved, source.headers, source.hxl)
    if not any(mapped.values()):
        raise Refused(
            _("No column of the file matches an HTCDS field (the first row must hold the column names).")
        )
    if "vic_TraffickingStatus" not in mapped.values():
        raise Refused(_("The file has no trafficking status column (vic_TraffickingStatus)."))
    return mapped


def _already_imported(organisation: Organisation, sha256: str) -> ImportBatch | None:
    return (
        ImportBatch.objects.unscoped("an import checks whether the same file was imported before")
        .filter(organisation=organisation, file_sha256=sha256, status=ImportBatch.Status.COMMITTED)
        .first()
    )


def import_file(
    *,
    actor: Any,
    organisation: Organisation,
    path: Path | reading.Source,
    file_name: str = "",
    mapping_name: str | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    columns_given: dict[str, str] | None = None,
) -> Outcome:
    """Check ``path`` (a file on disk or a ``reading.Source``, e.g. an encrypted upload) and,
    unless ``dry_run`` or a row is rejected, import it in one transaction.

    Never raises for a bad file: a refused file comes back with ``outcome.refused`` set and
    nothing changed.
    """
    path = reading.as_source(path)
    outcome = Outcome(file_name=file_name or path.name)
    try:
        reading.check_size(path)
        outcome.sha256 = file_sha256(path)
        previous = _already_imported(organisation, outcome.sha256)
        source = _open(path)
        outcome.headers = source.headers
        outcome.mapping = _mapping_for(organisation, mapping_name, source, columns_given)
        if previous is not None:
            outcome.status = "already_imported"
            outcome.batch = previous
            return outcome
        if dry_run:
            _check_pass(outcome, organisation, source, progress)
        else:
            _import_pass(actor, organisation, source, outcome, progress)
        if dry_run or outcome.rows_rejected:
            status = ImportBatch.Status.REJECTED if outcome.rows_rejected else ImportBatch.Status.PREVIEWED
            outcome.batch = _record_batch(actor, organisation, outcome, status)
    except Refused as exc:
        outcome.refused = str(exc)
        outcome.status = "refused"
        with transaction.atomic():  # who tried to import what, and why it was refused
            log.record(
                "imports.batch.refused",
                actor=actor,
                organisation=organisation,
                target_key=("imports.file", outcome.sha256 or "-"),
                data={"file_sha256": outcome.sha256, "reason": outcome.refused},
            )
    return outcome


def _check_pass(
    outcome: Outcome, organisation: Organisation, source: _Source, progress: Callable[[int], None] | None
) -> None:
    vocabulary = Vocabulary()
    seen: set[str] = set()
    for chunk in _chunks(source, outcome.mapping):
        known = _known_ids(organisation, (cells.get("record_id", "").strip() for _n, cells in chunk))
        for number, cells in chunk:
            outcome.rows_total += 1
            row = records.convert(number, cells, vocabulary)
            if row.external_id and (row.external_id in known or row.external_id in seen):
                outcome.rows_skipped += 1
                continue
            if row.external_id:
                seen.add(row.external_id)
            if not row.ok:
                outcome.rows_rejected += 1
                if len(outcome.rejected) < MAX_REPORTED_ROWS:
                    outcome.rejected.append(row)
        if progress is not None:
            progress(len(chunk))
    if outcome.rows_total == 0:
        raise Refused(_("The file has a header row but no data rows."))


def _record_batch(actor: Any, organisation: Organisation, outcome: Outcome, status: str) -> ImportBatch:
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            organisation=organisation,
            file_name=outcome.file_name[:255],
            file_sha256=outcome.sha256,
            status=status,
            rows_total=outcome.rows_total,
            rows_rejected=outcome.rows_rejected,
            rows_skipped=outcome.rows_skipped,
            mapping=outcome.mapping,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        log.record(
            "imports.batch.previewed",
            actor=actor,
            target=batch,
            organisation=organisation,
            data=_counts(outcome),
        )
    outcome.status = status
    return batch


def _counts(outcome: Outcome) -> dict[str, Any]:
    return {
        "file_sha256": outcome.sha256,
        "rows": outcome.rows_total,
        "rejected": outcome.rows_rejected,
        "skipped": outcome.rows_skipped,
        "created": outcome.records_created,
    }


class _Rejected(Exception):
    """Rows were rejected during the import pass: roll back what the pass wrote."""


def _import_pass(
    actor: Any,
    organisation: Organisation,
    source: _Source,
    outcome: Outcome,
    progress: Callable[[int], None] | None,
) -> None:
    """Check and write every row in one pass and **one transaction** for the whole batch.

    Rows are checked once (``records.convert``) and a chunk of valid rows is written with
    one INSERT per table (``case_register_checked_many``). At the first rejected row the
    writing stops but the checking goes on to the end, so the report names every rejected
    cell; then the transaction is rolled back and nothing stays. A process killed half-way
    never commits, so the database holds the whole batch or none of it.
    """
    vocabulary = Vocabulary()
    seen: set[str] = set()
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                organisation=organisation,
                file_name=outcome.file_name[:255],
                file_sha256=outcome.sha256,
                status=ImportBatch.Status.COMMITTED,
                mapping=outcome.mapping,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            label = str(batch.public_id)
            for chunk in _chunks(source, outcome.mapping):
                known = _known_ids(organisation, (c.get("record_id", "").strip() for _n, c in chunk))
                drafts = []
                for number, cells in chunk:
                    outcome.rows_total += 1
                    row = records.convert(number, cells, vocabulary)
                    if row.external_id and (row.external_id in known or row.external_id in seen):
                        outcome.rows_skipped += 1
                        continue
                    if row.external_id:
                        seen.add(row.external_id)
                    if not row.ok:
                        outcome.rows_rejected += 1
                        if len(outcome.rejected) < MAX_REPORTED_ROWS:
                            outcome.rejected.append(row)
                        continue
                    provenance = {
                        "source_org": organisation,
                        "import_batch": batch.public_id,
                        "source_row": number,
                        "source_file_sha256": outcome.sha256,
                        "external_id": row.external_id,
                    }
                    drafts.append((row.clean_facts, row.clean_decision, row.person, provenance))
                if drafts and not outcome.rows_rejected:
                    case_register_checked_many(
                        actor=actor, organisation=organisation, drafts=drafts, source=label
                    )
                    outcome.records_created += len(drafts)
                if progress is not None:
                    progress(len(chunk))
            if outcome.rows_total == 0:
                raise Refused(_("The file has a header row but no data rows."))
            if outcome.rows_rejected:
                raise _Rejected
            batch.rows_total = outcome.rows_total
            batch.rows_skipped = outcome.rows_skipped
            batch.records_created = outcome.records_created
            batch.save(update_fields=["rows_total", "rows_skipped", "records_created"])
            log.record(
                "imports.batch.committed",
                actor=actor,
                target=batch,
                organisation=organisation,
                data=_counts(outcome),
            )
    except _Rejected:
        outcome.records_created = 0
        return
    except (Invalid, CaseError, PersonError) as exc:
        outcome.records_created = 0
        raise Refused(
            _("A row failed validation while importing; nothing was imported (%(error)s).") % {"error": exc}
        ) from exc
    except Refused:
        outcome.records_created = 0
        raise
    outcome.batch = batch
    outcome.status = ImportBatch.Status.COMMITTED


def import_batch_rollback(*, actor: Any, batch: ImportBatch) -> int:
    """Delete the cases a committed batch created, and the persons registered for them.

    Returns the number of cases removed. A person who has a case from elsewhere is kept.
    """
    with transaction.atomic():
        locked = (
            ImportBatch.objects.unscoped("the rollback locks the batch it was given")
            .select_for_update()
            .get(pk=batch.pk)
        )
        if locked.status != ImportBatch.Status.COMMITTED:
            raise ImportError_(
                _("Only an imported batch can be rolled back (this one is %(status)s).")
                % {"status": locked.get_status_display()}
            )
        cases = VictimCase.objects.unscoped("the rollback removes its own batch's cases").filter(
            organisation_id=locked.organisation_id, import_batch=locked.public_id
        )
        person_ids = set(cases.values_list("person_id", flat=True))
        StatusDecision.objects.unscoped("the rollback removes its own batch's decisions").filter(
            organisation_id=locked.organisation_id, case__import_batch=locked.public_id
        ).delete()
        removed = cases.count()
        cases.delete()
        still_used = set(
            VictimCase.objects.unscoped("persons with other cases are kept")
            .filter(person_id__in=person_ids)
            .values_list("person_id", flat=True)
        )
        Person.objects.unscoped("the rollback removes the persons its batch registered").filter(
            organisation_id=locked.organisation_id, pk__in=person_ids - still_used
        ).delete()
        locked.status = ImportBatch.Status.ROLLED_BACK
        locked.save(update_fields=["status"])
        log.record(
            "imports.batch.rolled_back",
            actor=actor,
            target=locked,
            organisation=locked.organisation,
            data={"cases": removed, "persons": len(person_ids - still_used)},
        )
    batch.refresh_from_db()
    return removed


def import_mapping_save(
    *, actor: Any, organisation: Organisation, name: str, mapping: dict[str, str]
) -> ImportMapping:
    """Save (or replace) the header → field mapping ``name`` of ``organisation``."""
    unknown = {target for target in mapping.values() if target and target not in columns.TARGETS}
    if unknown:
        raise ImportError_(
            _("Unknown fields in the mapping: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        saved, _created = ImportMapping.objects.unscoped("saving a mapping by its name").update_or_create(
            organisation=organisation,
            name=name,
            defaults={
                "columns": dict(mapping),
                "created_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
        log.record(
            "imports.mapping.saved",
            actor=actor,
            target=saved,
            organisation=organisation,
            data={"name": name, "columns": len(mapping)},
        )
    return saved


def import_upload_store(
    *, actor: Any, organisation: Organisation, content: Any, file_name: str, mapping_name: str | None = None
) -> ImportUpload:
    """Keep an uploaded file encrypted (``pharos.privacy.files``) and read its header row.

    Refused files raise ``Refused`` and keep nothing. The suggested mapping comes from the
    saved mapping ``mapping_name`` if given, else from the headers and HXL hashtags; the page
    lets the person change it column by column.
    """
    with transaction.atomic():
        # Sealed as it streams in (any size up to the import limit), then read back through
        # the decrypting reader: the file is never on disk in clear.
        try:
            attachment = files.attachment_store(
                content=content, file_name=file_name, limit=reading.max_bytes()
            )
        except files.AttachmentTooLarge:
            raise Refused(
                _("The file is over %(limit)d MB; files that large are not imported. Split it into parts.")
                % {"limit": reading.max_bytes() // 2**20}
            ) from None
        try:
            stored = reading.Source.of_attachment(attachment)
            reading.check_size(stored)
            source = _open(stored)
            sha256 = file_sha256(stored)
        except Refused:
            files.storage().delete(attachment.blob)
            raise
        saved = _saved_mapping(organisation, mapping_name) if mapping_name else {}
        suggested = columns.apply(saved, source.headers, source.hxl)
        upload = ImportUpload.objects.create(
            organisation=organisation,
            attachment=attachment,
            file_sha256=sha256,
            headers=source.headers,
            hxl=source.hxl,
            suggested=suggested,
            columns=suggested,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        log.record(
            "imports.upload.stored",
            actor=actor,
            target=upload,
            organisation=organisation,
            data={"file_sha256": sha256, "columns": len(source.headers)},
        )
    return upload


def import_upload_map(*, actor: Any, upload: ImportUpload, mapping: dict[str, str]) -> ImportUpload:
    """Record the column mapping chosen for an uploaded file (header → HTCDS column or "")."""
    unknown = {target for target in mapping.values() if target and target not in columns.TARGETS}
    if unknown:
        raise ImportError_(
            _("Unknown fields in the mapping: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        locked = ImportUpload.objects.unscoped(
            "the caller looked the upload up in its scope"
        ).select_for_update()
        upload = locked.get(pk=upload.pk)
        upload.columns = {header: mapping.get(header, "") for header in upload.headers}
        upload.save(update_fields=["columns"])
        log.record(
            "imports.upload.mapped",
            actor=actor,
            target=upload,
            organisation=upload.organisation,
            data={"mapped": sum(1 for target in upload.columns.values() if target)},
        )
    return upload
