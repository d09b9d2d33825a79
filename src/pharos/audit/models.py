"""The audit log: one append-only, hash-chained table of every write and personal-data read."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Who, acting for which organisation, did what to which object, when, from where.

    ``row_hash`` chains each row to the one before (``prev_hash``), so a changed or
    removed row breaks the chain at that point: ``pharos audit verify`` names it.
    ``data`` never holds personal values in clear (see pharos.audit.masking); erasure
    replaces it with a redaction marker while ``data_digest`` keeps the chain whole.
    """

    seq = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=80, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    organisation = models.ForeignKey(
        "tenancy.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    country_code = models.CharField(max_length=2, blank=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=10, default="web")
    data = models.JSONField(default=dict)
    data_digest = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    row_hash = models.CharField(max_length=64, unique=True)
    redacted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["target_type", "target_id", "seq"], name="audit_target_idx")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    @property
    def label(self) -> str:
        """What happened, in words, in the active language."""
        from pharos.audit.events import label

        return label(self.action)

    @property
    def is_redacted(self) -> bool:
        return self.redacted_at is not None

    @property
    def data_text(self) -> str:
        """``data`` as indented JSON, for the details column of the audit pages."""
        return json.dumps(self.data, ensure_ascii=False, indent=1, sort_keys=True)


class AuditChainHead(models.Model):
    """A single row locked while an event is appended, so the chain has one writer at a time."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head at #{self.last_seq}"
