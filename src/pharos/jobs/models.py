"""Background jobs as users see them: status, progress and log lines, shown live."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pharos.tenancy.scoping import ScopedManager


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    """One run of long work (an import, a key rotation, an audit verification).

    The organisation is empty for system jobs started from the command line; those are
    only visible to system administrators.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=60)
    organisation = models.ForeignKey(
        "tenancy.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_done = models.BigIntegerField(default=0)
    progress_total = models.BigIntegerField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)
    # The request that started the job: its audit entries and log lines carry the same id.
    request_id = models.CharField(max_length=64, blank=True)
    # "host:pid:process start" of the process running it, so a job whose process was killed
    # (kill -9, power loss) is found and marked failed instead of staying "running".
    runner = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.public_id}"

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, int(100 * self.progress_done / self.progress_total))

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def kind_label(self) -> str:
        from pharos.jobs import registry

        return registry.label(self.kind)

    @classmethod
    def visibility_filter(cls, membership: object, capability: str) -> models.Q:
        from pharos.tenancy.models import Membership

        assert isinstance(membership, Membership)
        if membership.has("system.keys"):
            return models.Q(organisation_id=membership.organisation_id) | models.Q(organisation__isnull=True)
        return models.Q(organisation_id=membership.organisation_id)


class JobLogLine(models.Model):
    """A line of a job's log, in order. Never personal data: jobs log counts and codes.

    ``message`` is an English message id (marked with gettext_noop where it is written)
    with ``%(name)s`` placeholders filled from ``params``, so each reader sees it in
    their own language.
    """

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="log_lines")
    at = models.DateTimeField(auto_now_add=True)
    level = models.CharField(max_length=8, default="info")
    message = models.TextField()
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The message in the active language, with its parameters filled in."""
        if not self.params:
            return gettext(self.message)
        for template in (gettext(self.message), self.message):
            try:
                return template % self.params
            except (KeyError, ValueError, TypeError):
                continue
        return self.message
