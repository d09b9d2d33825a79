"""Consent, referrals between organisations, break-the-glass access and duplicate warnings.

- ``Consent``: one statement of the person's consent for a purpose (given or withdrawn),
  never changed; the latest statement (or a later risk-to-life ``ConsentOverride``) decides.
- ``Referral``: a case referred by its organisation to another one, with the sections the
  receiver may see; its ``state`` changes only through the actions (``ReferralEvent`` keeps
  the timeline). The receiver never reaches the case itself, only the disclosed sections.
- ``BreakGlassGrant``: a time-limited emergency opening of another organisation's case;
  the owning organisation gets a ``Notification``.
- ``PersonMatchKey``, ``PossibleMatch``: the duplicate warning at registration, which names
  the organisation holding a possible match and nothing more; a contact request is a
  ``Notification`` to that organisation.
"""

from __future__ import annotations

import uuid
from typing import Final

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pharos.privacy.fields import EncryptedTextField
from pharos.tenancy.models import Membership, OrganisationOwned


class Purpose(models.TextChoices):
    ASSISTANCE = "assistance", _("Assistance")
    REFERRAL = "referral", _("Referral to another organisation")
    SHARING = "sharing", _("Sharing with a named organisation")
    STATISTICS = "statistics", _("Statistics")
    RESEARCH = "research", _("Research")


class Consent(OrganisationOwned):
    """One statement of a person's consent for a purpose, given or withdrawn; never changed.

    ``recipient`` names the organisation for the purpose "sharing" and is empty otherwise.
    """

    PERSONAL_FIELDS: Final = ("note",)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.VictimCase", on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    recipient = models.ForeignKey(
        "tenancy.Organisation",
        verbose_name=_("recipient organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    given = models.BooleanField(_("consent given"))
    stated_on = models.DateField(_("date stated"))
    note = EncryptedTextField(_("note"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["case", "purpose", "-recorded_at"], name="consent_case_purpose_idx")]
        verbose_name = _("consent")

    def __str__(self) -> str:
        return f"{self.purpose} {'given' if self.given else 'withdrawn'}"


class ConsentOverride(OrganisationOwned):
    """Sharing without consent because of a risk to life: who, why, for which purpose and recipient."""

    PERSONAL_FIELDS: Final = ("reason",)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.VictimCase", on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    recipient = models.ForeignKey(
        "tenancy.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referral = models.ForeignKey(
        "Referral", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = EncryptedTextField(_("risk to life"), null=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-made_at", "-id"]
        verbose_name = _("consent override")

    def __str__(self) -> str:
        return f"override {self.purpose}"


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    REVOKED = "revoked", _("Revoked")


PENDING: Final = (State.DRAFT, State.SENT)
# While the receiver may read the disclosed sections (after completion the access ends).
DISCLOSING: Final = (State.SENT, State.ACCEPTED)


class Referral(OrganisationOwned):
    """A case referred by its organisation (``organisation``) to ``recipient``.

    ``sections`` are the codes of ``pharos.referrals.sections`` the receiver may read,
    each consented (or overridden) when the referral was sent and checked again on every read.
    """

    PERSONAL_FIELDS: Final = ("message", "response_note", "feedback", "revoke_reason")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.VictimCase", on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(
        "tenancy.Organisation",
        verbose_name=_("receiving organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    sections = models.JSONField(_("disclosed sections"), default=list)
    message = EncryptedTextField(_("what is asked of the receiver"), null=True, blank=True)
    respond_by = models.DateField(_("respond by"), null=True, blank=True)
    complete_by = models.DateField(_("complete by"), null=True, blank=True)
    consent_overridden = models.BooleanField(_("consent overridden for a risk to life"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    response_note = EncryptedTextField(_("reason or note of the response"), null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    feedback = EncryptedTextField(_("feedback"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = EncryptedTextField(_("reason for revoking"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "state"], name="referral_sender_state_idx"),
            models.Index(fields=["recipient", "state"], name="referral_recipient_state_idx"),
        ]
        verbose_name = _("referral")

    def __str__(self) -> str:
        return str(self.public_id)

    @classmethod
    def visibility_filter(cls, membership: Membership, capability: str) -> Q:
        """The sender sees its referrals; the receiver those sent to it (never a draft)."""
        mine = membership.organisation_id
        received = Q(recipient_id=mine) & ~Q(state=State.DRAFT)
        if capability == "referrals.send":
            return Q(organisation_id=mine)
        if capability == "referrals.receive":
            return received
        return Q(organisation_id=mine) | received

    @property
    def is_overdue(self) -> bool:
        today = timezone.localdate()
        if self.state == State.SENT and self.respond_by is not None:
            return self.respond_by < today
        if self.state == State.ACCEPTED and self.complete_by is not None:
            return self.complete_by < today
        return False


class ReferralEvent(models.Model):
    """One step of a referral's timeline (reached only through its scoped referral)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey("tenancy.Organisation", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state}→{self.to_state}"


class BreakGlassGrant(OrganisationOwned):
    """An emergency opening of another organisation's case by one user (``organisation`` is theirs)."""

    PERSONAL_FIELDS: Final = ("reason",)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.VictimCase", on_delete=models.CASCADE, related_name="+")
    case_organisation = models.ForeignKey("tenancy.Organisation", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = EncryptedTextField(_("emergency"), null=True)
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("break-the-glass access")

    def __str__(self) -> str:
        return str(self.public_id)

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()


class NotificationKind(models.TextChoices):
    BREAK_GLASS = "break_glass", _("Emergency access to a case")
    CONTACT_REQUEST = "contact_request", _("Request for contact about a possible shared person")
    REFERRAL = "referral", _("Referral")


class Notification(OrganisationOwned):
    """Something the organisation's case workers must know; carries references, never personal data."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    from_organisation = models.ForeignKey(
        "tenancy.Organisation", null=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.VictimCase", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="notification_org_idx")]

    def __str__(self) -> str:
        return self.kind


class PersonMatchKey(models.Model):
    """A blind digest of a person's name skeletons with part of the birth date (fuzzy duplicates).

    Reached only by the duplicate check, which reveals the holding organisation and nothing else.
    """

    person = models.ForeignKey("persons.Person", on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=32, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "digest"], name="person_match_key_once")]

    def __str__(self) -> str:
        return self.digest


class PossibleMatch(OrganisationOwned):
    """A person registered here may be a person ``other_organisation`` holds (``other_person``).

    ``other_person`` is never shown to this organisation; it lets the other side find its record.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey("persons.Person", on_delete=models.CASCADE, related_name="+")
    other_person = models.ForeignKey("persons.Person", on_delete=models.CASCADE, related_name="+")
    other_organisation = models.ForeignKey("tenancy.Organisation", on_delete=models.PROTECT, related_name="+")
    exact = models.BooleanField(default=False)
    found_at = models.DateTimeField(default=timezone.now)
    contact_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["other_organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "other_person"], name="possible_match_once"),
        ]

    def __str__(self) -> str:
        return str(self.public_id)
