"""Re-encrypting personal data under the active key (``pharos keys rotate``), and key status.

Every concrete model field with ``encrypted = True`` is found through the app registry.
For each model, rows holding a value under another key are read in primary-key order,
``batch_size`` at a time, as raw ciphertext (``Cast`` to text, so nothing is decrypted on
the way out of the database), re-encrypted byte for byte under the active key, and written
back with a queryset ``update()`` of that row, one transaction per batch with the rows
locked. An interruption loses at most the batch in flight; running again continues where
it stopped because rows already under the active key are skipped by the query itself.
A checkpoint per model (RotationCheckpoint) is committed with each batch so ``pharos keys
status`` shows how far a run got. Encrypted attachments are moved to new blobs the same way.

The plaintext only ever exists inside ``cipher.reencrypt``: no model instance is built.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.apps import apps
from django.db import models, transaction
from django.db.models import Count, Q, TextField, Value
from django.db.models.functions import Cast, Left
from django.utils import timezone
from django.utils.translation import gettext_noop

from pharos.privacy import cipher, files, keys
from pharos.privacy.fields import encrypted_fields
from pharos.privacy.models import EncryptedAttachment, RotationCheckpoint

SCOPE_REASON = "key rotation"


class Reporter(Protocol):
    """How a rotation tells its progress (pharos.jobs' Reporter, or a test double)."""

    def total(self, count: int | None) -> None: ...

    def advance(self, amount: int = 1) -> None: ...

    def log(self, message: str, level: str = "info", **params: Any) -> None: ...


class SilentReporter:
    def total(self, count: int | None) -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass

    def log(self, message: str, level: str = "info", **params: Any) -> None:
        pass


class RotationError(RuntimeError):
    """A stored value could not be re-encrypted (the message names the row and column, no value)."""


@dataclass
class RotationResult:
    key_id: str
    rows: dict[str, int] = field(default_factory=dict)
    values: int = 0
    attachments: int = 0
    orphans_removed: int = 0
    finished: bool = False

    def as_data(self) -> dict[str, Any]:
        return {
            "key_id": self.key_id,
            "rows": dict(self.rows),
            "values": self.values,
            "attachments": self.attachments,
            "orphans_removed": self.orphans_removed,
            "finished": self.finished,
        }


def encrypted_models() -> list[tuple[type[models.Model], list[Any]]]:
    """Every concrete model with encrypted fields, with those fields, in a stable order."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = encrypted_fields(model)
        if fields:
            found.append((model, fields))
    return sorted(found, key=lambda pair: pair[0]._meta.label_lower)


def rows_of(model: type[models.Model]) -> Any:
    """All rows of ``model``, through its scoped manager's ``unscoped`` where it has one."""
    queryset = model._default_manager.all()
    if hasattr(queryset, "unscoped"):
        queryset = queryset.unscoped(SCOPE_REASON)
    return queryset


def _raw(name: str) -> str:
    return f"_pharos_raw_{name}"


def _head(name: str) -> str:
    return f"_pharos_head_{name}"


def _pending(model: type[models.Model], fields: list[Any], key_id: str) -> Any:
    """Rows with at least one value not under ``key_id``, with raw tokens annotated."""
    prefix = cipher.prefix_for(key_id)
    annotations: dict[str, Any] = {}
    needs = Q()
    for f in fields:
        annotations[_raw(f.name)] = Cast(f.name, TextField())
        # Left(...) = prefix, not startswith: SQLite's LIKE ignores case.
        annotations[_head(f.name)] = Left(_raw(f.name), len(prefix))
        needs |= Q(**{f"{_raw(f.name)}__isnull": False}) & ~Q(**{_head(f.name): prefix})
    return rows_of(model).annotate(**annotations).filter(needs)


def _pending_attachments(key_id: str) -> Any:
    return (
        EncryptedAttachment.objects.filter(erased_at__isnull=True)
        .exclude(blob="")
        .exclude(key_id=key_id)
        .order_by("pk")
    )


def rotate(*, batch_size: int = 500, reporter: Reporter | None = None, actor: Any = None) -> RotationResult:
    """Re-encrypt every value and attachment not under the active key; returns the counts.

    Records ``privacy.keys.rotated`` (with ``finished`` false if the run was interrupted).
    """
    from pharos.audit import log

    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    reporter = reporter or SilentReporter()
    active = keys.active_key().key_id
    result = RotationResult(key_id=active)
    plan = [(model, fields, _pending(model, fields, active).count()) for model, fields in encrypted_models()]
    pending_files = _pending_attachments(active).count()
    reporter.total(sum(count for _m, _f, count in plan) + pending_files)
    reporter.log(gettext_noop("Re-encrypting personal data under key %(key_id)s."), key_id=active)
    try:
        for model, fields, count in plan:
            label = model._meta.label_lower
            result.rows[label] = 0
            if count:
                reporter.log(
                    gettext_noop("%(model)s: %(count)s rows to re-encrypt."), model=label, count=count
                )
            for rows, values in _rotate_model(model, fields, active, batch_size):
                result.rows[label] += rows
                result.values += values
                reporter.advance(rows)
        for seen, moved in _rotate_attachments(active, batch_size):
            result.attachments += moved
            reporter.advance(seen)
        result.orphans_removed = files.sweep_orphans()
        result.finished = True
    finally:
        with transaction.atomic():
            log.record("privacy.keys.rotated", actor=actor, data=result.as_data())
    reporter.log(
        gettext_noop("Done: %(values)s values in %(rows)s rows and %(attachments)s files re-encrypted."),
        values=result.values,
        rows=sum(result.rows.values()),
        attachments=result.attachments,
    )
    return result


def _checkpoint(label: str, key_id: str) -> RotationCheckpoint:
    now = timezone.now()
    checkpoint, created = RotationCheckpoint.objects.get_or_create(
        model=label, defaults={"key_id": key_id, "started_at": now, "updated_at": now}
    )
    if not created and (checkpoint.key_id != key_id or checkpoint.finished_at is not None):
        checkpoint.key_id = key_id
        checkpoint.last_pk = ""
        checkpoint.rotated_rows = 0
        checkpoint.started_at = now
        checkpoint.updated_at = now
        checkpoint.finished_at = None
        checkpoint.save()
    return checkpoint


def _rotate_model(
    model: type[models.Model], fields: list[Any], key_id: str, batch_size: int
) -> Iterator[tuple[int, int]]:
    """Yields (rows, values) after each committed batch."""
    label = model._meta.label_lower
    checkpoint = _checkpoint(label, key_id)
    prefix = cipher.prefix_for(key_id)
    names = [_raw(f.name) for f in fields]
    last_pk: Any = None
    while True:
        with transaction.atomic():
            pending = _pending(model, fields, key_id).order_by("pk")
            if last_pk is not None:
                pending = pending.filter(pk__gt=last_pk)
            batch = list(pending.select_for_update().values_list("pk", *names)[:batch_size])
            if not batch:
                break
            values = 0
            for pk, *tokens in batch:
                updates = {}
                for f, token in zip(fields, tokens, strict=True):
                    if token is None or token.startswith(prefix):
                        continue
                    try:
                        updates[f.name] = Value(
                            cipher.reencrypt(token, context=f.context()), output_field=TextField()
                        )
                    except cipher.DecryptionError as exc:
                        raise RotationError(f"{label} row {pk}, field {f.name}: {exc}") from None
                rows_of(model).filter(pk=pk).update(**updates)
                values += len(updates)
            last_pk = batch[-1][0]
            checkpoint.last_pk = str(last_pk)
            checkpoint.rotated_rows += len(batch)
            checkpoint.updated_at = timezone.now()
            checkpoint.save(update_fields=["last_pk", "rotated_rows", "updated_at"])
        yield len(batch), values
    checkpoint.finished_at = timezone.now()
    checkpoint.save(update_fields=["finished_at"])


def _rotate_attachments(key_id: str, batch_size: int) -> Iterator[tuple[int, int]]:
    """Yields (attachments looked at, attachments moved) after each committed batch."""
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(_pending_attachments(key_id).filter(pk__gt=last_pk).select_for_update()[:batch_size])
            if not batch:
                return
            moved = sum(1 for attachment in batch if files.attachment_reencrypt(attachment))
            last_pk = batch[-1].pk
        yield len(batch), moved


@dataclass
class FieldStatus:
    model: str
    field: str
    by_key: dict[str, int]
    unknown: int
    empty: int


def status() -> tuple[list[FieldStatus], dict[str, int], list[RotationCheckpoint]]:
    """How many values each key holds, per model and field; attachments per key; checkpoints.

    Counted in SQL from the ciphertext headers: nothing is decrypted. ``unknown`` counts
    values under a key id missing from PHAROS_FIELD_KEYS (they cannot be read).
    """
    key_ids = [k.key_id for k in keys.field_keys()]
    found = []
    for model, fields in encrypted_models():
        for f in fields:
            raw = Cast(f.name, TextField())
            aggregates: dict[str, Any] = {
                "_filled": Count("pk", filter=Q(**{"_raw__isnull": False})),
                "_empty": Count("pk", filter=Q(**{"_raw__isnull": True})),
            }
            heads: dict[str, Any] = {"_raw": raw}
            for i, key_id in enumerate(key_ids):
                prefix = cipher.prefix_for(key_id)
                heads[f"_h{i}"] = Left("_raw", len(prefix))
                aggregates[f"_k{i}"] = Count("pk", filter=Q(**{f"_h{i}": prefix}))
            counts = rows_of(model).annotate(**heads).aggregate(**aggregates)
            by_key = {key_id: counts[f"_k{i}"] for i, key_id in enumerate(key_ids)}
            found.append(
                FieldStatus(
                    model=model._meta.label_lower,
                    field=f.name,
                    by_key=by_key,
                    unknown=counts["_filled"] - sum(by_key.values()),
                    empty=counts["_empty"],
                )
            )
    attachments = dict(
        EncryptedAttachment.objects.filter(erased_at__isnull=True)
        .exclude(blob="")
        .values_list("key_id")
        .annotate(n=Count("pk"))
        .values_list("key_id", "n")
    )
    return found, attachments, list(RotationCheckpoint.objects.all())
