"""Research datasets: CTDC's published synthetic layouts, loaded apart from case records.

A dataset's rows are synthetic statistics about no one in particular; they are never counted
with ``VictimCase`` rows, never exported as cases, and live in their own tables.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pharos.tenancy.models import OrganisationOwned


class Layout(models.TextChoices):
    CTDC_GLOBAL = "ctdc-global", _("CTDC Global Synthetic Dataset (27 variables)")
    CTDC_VP = "ctdc-vp", _("CTDC Victim-Perpetrator Synthetic Dataset (16 variables)")


class ResearchDataset(OrganisationOwned):
    """One loaded file of a research layout: where it came from, who loaded it, its counts."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    layout = models.CharField(_("layout"), max_length=20, choices=Layout.choices)
    source = models.CharField(_("source"), max_length=300, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    columns = models.JSONField(default=list)
    # column → value → count, worked out once at load time so the summary page reads no rows
    summary = models.JSONField(default=dict)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "file_sha256"], name="research_dataset_once")
        ]

    def __str__(self) -> str:
        return self.name


class ResearchRow(models.Model):
    """One row of a dataset, its values by column; reached only through its dataset."""

    dataset = models.ForeignKey(ResearchDataset, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField()  # the row in the file (the header is row 1)
    values = models.JSONField(default=dict)

    class Meta:
        ordering = ["dataset", "number"]
        indexes = [models.Index(fields=["dataset", "number"], name="research_row_order")]

    def __str__(self) -> str:
        return f"{self.dataset_id}:{self.number}"
