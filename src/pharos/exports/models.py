"""The files of large exports, made by a background job and kept encrypted for their starter.

The bytes are ``pharos.privacy`` encrypted attachments, in parts of at most the attachment
size limit each (an export may be larger than one attachment may be). The file holds what
the *starting* user could see, so only that user may download it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pharos.tenancy.models import OrganisationOwned


class ExportFile(OrganisationOwned):
    """The result of one export job: which format, how many rows, whether personal fields are in it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    job = models.OneToOneField("jobs.Job", on_delete=models.CASCADE, related_name="+")
    format = models.CharField(_("format"), max_length=20)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    personal = models.BooleanField(_("personal fields included"), default=False)
    size = models.PositiveBigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.format} ({self.rows} rows)"


class ExportFilePart(models.Model):
    """One encrypted part of an export file, in order; reached only through its file."""

    export = models.ForeignKey(ExportFile, on_delete=models.CASCADE, related_name="parts")
    index = models.PositiveIntegerField()
    attachment = models.OneToOneField(
        "privacy.EncryptedAttachment", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["export", "index"]
        constraints = [models.UniqueConstraint(fields=["export", "index"], name="export_part_once")]

    def __str__(self) -> str:
        return f"{self.export_id}:{self.index}"
