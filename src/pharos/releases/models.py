"""Releases: frozen, versioned, citable snapshots of statistics, and the privacy-budget ledger.

A ``Release`` moves built → approved → published (or failed) only through
``pharos.releases.actions``; its ``ReleaseFile``s are written once, when it is built, with
their SHA-256, and the release's ``content_hash`` covers them all. Nothing may change a
published release: the actions refuse, and ``save``/``delete`` refuse as a second guard.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pharos.tenancy.models import OrganisationOwned


class ImmutableRelease(Exception):
    """Something tried to change or delete a published release or its files."""


class Method(models.TextChoices):
    SUPPRESSION = "suppression", _("Threshold suppression and rounding")
    DP = "dp", _("Differentially private counts")
    SYNTHETIC = "synthetic", _("Differentially private synthetic microdata")


class Status(models.TextChoices):
    BUILDING = "building", pgettext_lazy("release status", "Building")
    FAILED = "failed", pgettext_lazy("release status", "Failed")
    BUILT = "built", pgettext_lazy("release status", "Awaiting review")
    APPROVED = "approved", pgettext_lazy("release status", "Approved")
    PUBLISHED = "published", pgettext_lazy("release status", "Published")


class PrivacyLedger(OrganisationOwned):
    """The privacy budget of one dataset of an organisation, in zCDP rho (spends add up)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dataset = models.CharField(_("dataset"), max_length=60)
    epsilon_budget = models.FloatField(_("epsilon budget"))
    delta = models.FloatField(_("delta"))
    spent_rho = models.FloatField(default=0.0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "dataset"], name="releases_ledger_once")
        ]

    def __str__(self) -> str:
        return f"{self.dataset} (epsilon {self.epsilon_budget:g})"


class Release(OrganisationOwned):
    """One versioned snapshot of statistics with the disclosure control chosen for it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    version = models.PositiveIntegerField(_("version"))
    method = models.CharField(_("disclosure control"), max_length=12, choices=Method.choices)
    parameters = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BUILDING)
    summary = models.JSONField(default=dict, blank=True)  # what the portal shows: tables, privacy statement
    # Compares with the sensitive data: for reviewers inside the system, never published.
    utility = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    built_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "version"], name="releases_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    def _stored_status(self) -> str | None:
        if self.pk is None:
            return None
        return (
            Release.objects.unscoped("immutability guard")
            .filter(pk=self.pk)
            .values_list("status", flat=True)
            .first()
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._stored_status() == Status.PUBLISHED:
            raise ImmutableRelease("A published release never changes.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self._stored_status() == Status.PUBLISHED:
            raise ImmutableRelease("A published release is never deleted.")
        return super().delete(*args, **kwargs)


class ReleaseFile(models.Model):
    """One file of a release, stored in the database with its SHA-256 (written once)."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="files")
    name = models.CharField(max_length=120)
    media_type = models.CharField(max_length=120)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    public = models.BooleanField(default=True)  # the utility report is for reviewers only

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["release", "name"], name="releases_file_once")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableRelease("Release files are written once.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRelease("Release files are never deleted.")


class PrivacySpend(models.Model):
    """One spend of a ledger's budget by a release (kept even when the release failed)."""

    ledger = models.ForeignKey(PrivacyLedger, on_delete=models.PROTECT, related_name="spends")
    release = models.ForeignKey(Release, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    epsilon = models.FloatField()
    delta = models.FloatField()
    rho = models.FloatField()
    spent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    spent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["spent_at"]

    def __str__(self) -> str:
        return f"rho {self.rho:.4g}"
