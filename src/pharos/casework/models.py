"""The case worker's day: tasks and deadlines, notes, attachments, closure requests, the
timeline, and how long closed cases are kept per country.

Everything hangs off a ``cases.VictimCase`` and belongs to the case's organisation. Free
text (task titles, notes, reasons) may identify the person: it is encrypted. Who holds the
case and whether it is open or closed are columns of the case itself (``assigned_to``,
``state``), so the caseload list filters on them without a join.
"""

from __future__ import annotations

import uuid
from typing import Final

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pharos.privacy.fields import EncryptedTextField
from pharos.tenancy.models import OrganisationOwned


class TaskKind(models.TextChoices):
    REFLECTION_PERIOD_END = "reflection_period_end", _("Reflection period ending")
    PLAN_REVIEW = "plan_review", _("Review of the support and safety plan")
    FOLLOW_UP = "follow_up", pgettext_lazy("task kind", "Follow-up")
    CUSTOM = "custom", pgettext_lazy("task kind", "Other")


class Task(OrganisationOwned):
    """Something to do on a case by a date: a deadline the worker and the organisation follow.

    ``source`` names what created the task (say ``assistance.reflection:<uuid>``): a module
    that creates the same task twice (source, kind, case) gets the existing one back.
    """

    PERSONAL_FIELDS: Final = ("title",)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.VictimCase", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=30, choices=TaskKind.choices, default=TaskKind.CUSTOM)
    title = EncryptedTextField(_("what to do"), null=True, blank=True)
    due_on = models.DateField(_("due on"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("created by"), max_length=120, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["organisation", "done_at", "due_on"], name="task_org_open_due_idx"),
            models.Index(fields=["assignee", "done_at", "due_on"], name="task_assignee_due_idx"),
            models.Index(fields=["case", "done_at"], name="task_case_open_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "source"], condition=~Q(source=""), name="task_once_per_source"
            )
        ]
        verbose_name = _("task")

    def __str__(self) -> str:
        return f"{self.kind} {self.due_on}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class CaseNote(OrganisationOwned):
    """A case worker's note on a case (encrypted; erased with the person's personal data)."""

    PERSONAL_FIELDS: Final = ("text",)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.VictimCase", on_delete=models.CASCADE, related_name="+")
    text = EncryptedTextField(_("note"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("case note")

    def __str__(self) -> str:
        return str(self.public_id)


class DocumentType(models.TextChoices):
    IDENTITY = "identity", _("Identity or travel document")
    MEDICAL = "medical", _("Medical record")
    LEGAL = "legal", _("Legal or court document")
    STATEMENT = "statement", _("Statement or interview record")
    PHOTO = "photo", _("Photograph")
    CONSENT = "consent", _("Signed consent form")
    OTHER = "other", pgettext_lazy("document type", "Other")


class CaseAttachment(OrganisationOwned):
    """A file kept on a case: the bytes are sealed in a ``privacy.EncryptedAttachment``."""

    PERSONAL_FIELDS: Final = ("description",)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.VictimCase", on_delete=models.CASCADE, related_name="+")
    attachment = models.OneToOneField(
        "privacy.EncryptedAttachment", on_delete=models.PROTECT, related_name="+"
    )
    document_type = models.CharField(
        _("type of document"), max_length=20, choices=DocumentType.choices, default=DocumentType.OTHER
    )
    # The sniffed type, in clear: needed to serve the file, and a type alone identifies nobody.
    media_type = models.CharField(_("file type"), max_length=100)
    description = EncryptedTextField(_("description"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("case attachment")

    def __str__(self) -> str:
        return str(self.public_id)


class ClosureReason(models.TextChoices):
    GOALS_REACHED = "goals_reached", _("The goals of the support plan were reached")
    DECLINED = "declined", _("The person declined further assistance")
    UNREACHABLE = "unreachable", _("The person cannot be contacted")
    TRANSFERRED = "transferred", _("The case was transferred to another organisation")
    DECEASED = "deceased", _("The person died")
    NOT_A_VICTIM = "not_a_victim", _("The person was found not to be a victim")
    OTHER = "other", pgettext_lazy("closure reason", "Other")


class ClosureState(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ClosureRequest(OrganisationOwned):
    """A case worker's request to close a case, approved or rejected by a supervisor.

    At most one request per case is pending; the requester may not decide their own.
    """

    PERSONAL_FIELDS: Final = ("note", "decision_note")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.VictimCase", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("closure reason"), max_length=40, choices=ClosureReason.choices)
    note = EncryptedTextField(_("explanation"), null=True, blank=True)
    state = models.CharField(max_length=12, choices=ClosureState.choices, default=ClosureState.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = EncryptedTextField(_("supervisor's comment"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="pending"), name="closure_request_one_pending"
            )
        ]
        verbose_name = _("closure request")

    def __str__(self) -> str:
        return f"{self.case_id} {self.state}"


class TimelineEntry(OrganisationOwned):
    """One thing that happened on a case, as the case timeline shows it.

    ``kind`` is registered in ``pharos.casework.timeline`` (by this module and by others:
    referrals, assistance); ``data`` holds codes and references only, never personal
    values; ``text`` (encrypted) holds a reason or comment a person typed.
    """

    PERSONAL_FIELDS: Final = ("text",)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.VictimCase", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=80)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    text = EncryptedTextField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["case", "-occurred_at"], name="timeline_case_idx")]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_at:%Y-%m-%d}"


class RetentionRule(models.Model):
    """How many years a country keeps the personal data of a closed case (reference data).

    A country without a rule uses ``PHAROS_RETENTION_YEARS`` (5 unless set).
    """

    country = models.OneToOneField("tenancy.Country", on_delete=models.CASCADE, related_name="+")
    years = models.PositiveSmallIntegerField(_("years after closure"))
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country__code"]
        verbose_name = _("retention period")

    def __str__(self) -> str:
        return f"{self.country_id}: {self.years}"
