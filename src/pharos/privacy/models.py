"""Encrypted attachments, and the checkpoints of key rotation."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from pharos.privacy.fields import EncryptedTextField


class EncryptedAttachment(models.Model):
    """A file whose bytes, name and type are encrypted (see ``pharos.privacy.files``).

    The bytes live in the default storage under ``encrypted/<uuid>``, sealed with AES-GCM
    and bound to this row's ``public_id``, so a blob copied onto another attachment fails
    to open. Rows are reached only through the object that owns them (a case, a
    document), which does the scoping: this model has no organisation of its own.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    blob = models.CharField(max_length=200, blank=True)
    key_id = models.CharField(max_length=16, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    file_name = EncryptedTextField(_("file name"), null=True, blank=True)
    content_type = EncryptedTextField(_("content type"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("encrypted attachment")

    def __str__(self) -> str:
        return str(self.public_id)


class RotationCheckpoint(models.Model):
    """How far ``pharos keys rotate`` got in one model, committed with each batch.

    Re-running the rotation does not need it (rows already under the active key are
    skipped); it is there so ``pharos keys status`` can show where an interrupted run stopped.
    """

    model = models.CharField(max_length=100, unique=True)
    key_id = models.CharField(max_length=16)
    last_pk = models.CharField(max_length=64, blank=True)
    rotated_rows = models.BigIntegerField(default=0)
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["model"]

    def __str__(self) -> str:
        return f"{self.model} → {self.key_id} at #{self.last_pk}"
