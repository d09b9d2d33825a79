"""Import batches and the column mappings saved per source organisation."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pharos.tenancy.models import OrganisationOwned


class ImportMapping(OrganisationOwned):
    """A reusable header → field mapping for the files of one source organisation."""

    name = models.CharField(_("name"), max_length=100)
    columns = models.JSONField(_("columns"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="import_mapping_once")]

    def __str__(self) -> str:
        return self.name


class ImportBatch(OrganisationOwned):
    """One file imported (or checked) for an organisation: counts, never personal values."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Checked (dry run)")
        REJECTED = "rejected", _("Rejected rows; nothing imported")
        COMMITTED = "committed", _("Imported")
        ROLLED_BACK = "rolled_back", _("Rolled back")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    rows_total = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)
    records_created = models.PositiveIntegerField(default=0)
    mapping = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"


class ImportUpload(OrganisationOwned):
    """A file uploaded on the import page, kept encrypted while its columns are mapped and it
    is checked and imported by background jobs. Only its column headers are in clear."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    attachment = models.ForeignKey(
        "privacy.EncryptedAttachment", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    headers = models.JSONField(default=list)
    hxl = models.JSONField(default=list)
    suggested = models.JSONField(default=dict)
    columns = models.JSONField(_("columns"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(self.public_id)
