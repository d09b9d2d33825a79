"""The five stages of a referral mechanism as a case's pathway, and the measures of each.

Stages follow ICMPD's Transnational Referral Mechanism (TRM-EU 2010, five SOPs):
identification and referral; first assistance and protection; long-term assistance and
social inclusion; return and social inclusion; criminal and civil proceedings. The first
four follow one another (one is current at a time); proceedings run beside them.

Every measure hangs off a ``cases.VictimCase``. It belongs to the organisation that recorded
it (a shelter the case was referred to records its own services) and is visible to that
organisation and to the case's owner. Free text about the person (needs, findings, plans,
places, file numbers) is encrypted; coded values and dates stay in clear for due lists
and statistics.
"""

from __future__ import annotations

import datetime
import uuid
from typing import ClassVar, Final

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pharos.privacy.fields import EncryptedTextField
from pharos.tenancy.models import Membership, OrganisationOwned

# Council of Europe Convention on Action against Trafficking (CETS 197), Art. 13: at least 30 days.
DEFAULT_REFLECTION_DAYS: Final = 30
DEFAULT_WARNING_DAYS: Final = 7


class Stage(models.TextChoices):
    IDENTIFICATION = "identification", _("Identification and referral")
    FIRST_ASSISTANCE = "first_assistance", _("First assistance and protection")
    LONG_TERM = "long_term", _("Long-term assistance and social inclusion")
    RETURN = "return", _("Return and social inclusion")
    PROCEEDINGS = "proceedings", _("Criminal and civil proceedings")


# One of these is current at a time; PROCEEDINGS runs beside them.
SEQUENTIAL: Final = (Stage.IDENTIFICATION, Stage.FIRST_ASSISTANCE, Stage.LONG_TERM, Stage.RETURN)


def _check_order(record: models.Model, first: str, then: str) -> None:
    start, end = getattr(record, first), getattr(record, then)
    if start and end and end < start:
        label = getattr(record._meta.get_field(then), "verbose_name", then)
        other = getattr(record._meta.get_field(first), "verbose_name", first)
        raise ValidationError(
            {then: _("%(field)s cannot be before %(other)s.") % {"field": label, "other": other}}
        )


class AssistanceRecord(OrganisationOwned):
    """What every measure has: public id, case, who recorded it and when."""

    STAGE: ClassVar[str] = ""
    DATE_FIELD: ClassVar[str] = ""
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.VictimCase", on_delete=models.CASCADE, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.public_id)

    @classmethod
    def visibility_filter(cls, membership: Membership, capability: str) -> Q:
        """Measures the organisation recorded, and every measure on the organisation's own cases."""
        return Q(organisation_id=membership.organisation_id) | Q(
            case__organisation_id=membership.organisation_id
        )

    @property
    def main_date(self) -> datetime.date | None:
        return getattr(self, self.DATE_FIELD, None) if self.DATE_FIELD else None


class StageEntry(AssistanceRecord):
    """The case entered a stage on a date and (once it moved on) left it on another."""

    DATE_FIELD: ClassVar[str] = "entered_on"

    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    entered_on = models.DateField(_("entered on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["entered_on", "id"]
        indexes = [models.Index(fields=["case", "left_on"], name="stage_case_open_idx")]
        verbose_name = _("stage of the pathway")

    def clean(self) -> None:
        _check_order(self, "entered_on", "left_on")


# --- 2. first assistance and protection ----------------------------------------------------------


class NeedType(models.TextChoices):
    ACCOMMODATION = "accommodation", _("Emergency accommodation")
    MEDICAL = "medical", _("Emergency medical care")
    PSYCHOLOGICAL = "psychological", _("Emergency psychological help")
    MATERIAL = "material", _("Food, clothing and other material needs")
    SAFETY = "safety", _("Physical safety")
    INTERPRETATION = "interpretation", _("Interpretation")
    LEGAL = "legal", _("Legal information")
    CONTACT = "contact", _("Contact with family")
    OTHER = "other", pgettext_lazy("need", "Other")


class CrisisNeed(AssistanceRecord):
    """An immediate need found at first contact (crisis intervention), and when it was met."""

    STAGE: ClassVar[str] = Stage.FIRST_ASSISTANCE
    DATE_FIELD: ClassVar[str] = "identified_on"
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("details",)

    need = models.CharField(_("need"), max_length=20, choices=NeedType.choices)
    identified_on = models.DateField(_("identified on"))
    met_on = models.DateField(_("met on"), null=True, blank=True)
    details = EncryptedTextField(_("details"), null=True, blank=True)

    class Meta:
        ordering = ["identified_on", "id"]
        verbose_name = _("crisis need")

    def clean(self) -> None:
        _check_order(self, "identified_on", "met_on")


class RiskKind(models.TextChoices):
    INITIAL = "initial", _("Initial assessment")
    REVIEW = "review", _("Review (new contact or development)")
    PRE_RETURN = "pre_return", _("Before return (including the country of origin)")


class RiskLevel(models.TextChoices):
    LOW = "low", pgettext_lazy("risk", "Low")
    MEDIUM = "medium", pgettext_lazy("risk", "Medium")
    HIGH = "high", pgettext_lazy("risk", "High")
    SEVERE = "severe", pgettext_lazy("risk", "Severe (risk to life)")


class RiskAssessment(AssistanceRecord):
    """A risk assessment; repeated at each new contact or development, and before any return."""

    STAGE: ClassVar[str] = Stage.FIRST_ASSISTANCE
    DATE_FIELD: ClassVar[str] = "assessed_on"
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("findings",)

    kind = models.CharField(
        _("kind of assessment"), max_length=20, choices=RiskKind.choices, default=RiskKind.INITIAL
    )
    assessed_on = models.DateField(_("assessed on"))
    level = models.CharField(_("risk level"), max_length=20, choices=RiskLevel.choices)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assessor_name = models.CharField(_("assessor (if not a Pharos user)"), max_length=200, blank=True)
    country = models.CharField(_("country assessed (for a return)"), max_length=2, blank=True)
    next_review_on = models.DateField(_("next review on"), null=True, blank=True)
    findings = EncryptedTextField(_("findings"), null=True, blank=True)

    class Meta:
        ordering = ["assessed_on", "id"]
        verbose_name = _("risk assessment")

    def clean(self) -> None:
        _check_order(self, "assessed_on", "next_review_on")
        if self.kind == RiskKind.PRE_RETURN and not self.country:
            raise ValidationError({"country": _("Name the country of return for a pre-return assessment.")})


class SupportPlan(AssistanceRecord):
    """The individual support and safety plan, agreed with the person, with its review dates.

    Its contents follow the SOPs' documentation rule: immediate needs, the risks, the planned
    steps, the organisations contacted or referred to, the safety plan, the timeframe, the
    person's agreement, the interviewer (``recorded_by``) with date and place.
    """

    STAGE: ClassVar[str] = Stage.FIRST_ASSISTANCE
    DATE_FIELD: ClassVar[str] = "agreed_on"
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = (
        "immediate_needs",
        "planned_steps",
        "organisations_contacted",
        "safety_plan",
        "place",
    )

    agreed_on = models.DateField(_("agreed on"))
    place = EncryptedTextField(_("place"), null=True, blank=True)
    immediate_needs = EncryptedTextField(_("immediate needs"), null=True, blank=True)
    planned_steps = EncryptedTextField(_("planned steps"), null=True, blank=True)
    organisations_contacted = EncryptedTextField(
        _("organisations contacted or referred to"), null=True, blank=True
    )
    safety_plan = EncryptedTextField(_("safety plan"), null=True, blank=True)
    valid_until = models.DateField(_("timeframe: the plan runs until"), null=True, blank=True)
    next_review_on = models.DateField(_("next review on"), null=True, blank=True)
    agreed_by_person = models.BooleanField(_("the person agreed to and signed the plan"), default=False)

    class Meta:
        ordering = ["agreed_on", "id"]
        verbose_name = _("individual support and safety plan")

    def clean(self) -> None:
        _check_order(self, "agreed_on", "valid_until")
        _check_order(self, "agreed_on", "next_review_on")


class PlanReview(AssistanceRecord):
    """One review of a support and safety plan, and when the next one is due."""

    STAGE: ClassVar[str] = Stage.FIRST_ASSISTANCE
    DATE_FIELD: ClassVar[str] = "reviewed_on"
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("outcome",)

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="+")
    reviewed_on = models.DateField(_("reviewed on"))
    outcome = EncryptedTextField(_("what changed"), null=True, blank=True)
    next_review_on = models.DateField(_("next review on"), null=True, blank=True)

    class Meta:
        ordering = ["reviewed_on", "id"]
        verbose_name = _("plan review")

    def clean(self) -> None:
        _check_order(self, "reviewed_on", "next_review_on")


class ReflectionRule(models.Model):
    """A country's rule for the recovery and reflection period (reference data, not tenant data).

    Directive 2004/81/EC leaves duration and start to national law; CETS 197 Art. 13 sets at
    least 30 days. Without a row for the country, 30 days and a 7-day warning apply.
    """

    country = models.OneToOneField("tenancy.Country", on_delete=models.CASCADE, related_name="+")
    duration_days = models.PositiveSmallIntegerField(
        _("duration (days)"), default=DEFAULT_REFLECTION_DAYS, validators=[MinValueValidator(1)]
    )
    warning_days = models.PositiveSmallIntegerField(
        _("warn this many days before the end"), default=DEFAULT_WARNING_DAYS
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country__code"]
        verbose_name = _("reflection period rule")

    def __str__(self) -> str:
        return f"{self.country_id}: {self.duration_days}"


class ReflectionEnd(models.TextChoices):
    EXPIRED = "expired", _("The period ran out")
    COOPERATION = "cooperation", _("The person decided to cooperate with the authorities")
    NO_COOPERATION = "no_cooperation", _("The person decided not to cooperate")
    PERMIT = "permit", _("A residence permit was granted")
    RETURNED = "returned", _("The person returned to the country of origin")
    CONTACT = "contact", _("Ended by the authority (renewed contact with the perpetrators, public order)")
    LEFT = "left", _("The person left the assistance")
    OTHER = "other", pgettext_lazy("end reason", "Other")


class ReflectionPeriod(AssistanceRecord):
    """A recovery and reflection period: start, duration by the country's rule, end and why.

    ``ends_on`` is the last day of the period: start + duration − 1 (a 30-day period that
    starts on 1 March ends on 30 March). It is computed on every save from start and duration.
    """

    STAGE: ClassVar[str] = Stage.FIRST_ASSISTANCE
    DATE_FIELD: ClassVar[str] = "started_on"
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("end_note",)

    started_on = models.DateField(_("started on"))
    duration_days = models.PositiveSmallIntegerField(
        _("duration (days)"), default=DEFAULT_REFLECTION_DAYS, validators=[MinValueValidator(1)]
    )
    warning_days = models.PositiveSmallIntegerField(
        _("warn this many days before the end"), default=DEFAULT_WARNING_DAYS
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    ends_on = models.DateField(_("ends on"), editable=False)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=20, choices=ReflectionEnd.choices, blank=True)
    end_note = EncryptedTextField(_("note on the end"), null=True, blank=True)

    class Meta:
        ordering = ["started_on", "id"]
        indexes = [
            models.Index(fields=["organisation", "ended_on", "ends_on"], name="reflection_open_end_idx")
        ]
        verbose_name = _("recovery and reflection period")

    def clean(self) -> None:
        _check_order(self, "started_on", "ended_on")
        if self.ended_on and not self.end_reason:
            raise ValidationError({"end_reason": _("Say why the period ended.")})
        if self.end_reason and not self.ended_on:
            raise ValidationError({"ended_on": _("Give the date the period ended.")})

    def save(self, *args: object, **kwargs: object) -> None:
        self.ends_on = last_day(self.started_on, self.duration_days)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def warn_from(self) -> datetime.date:
        return last_day(self.started_on, self.duration_days) - datetime.timedelta(days=self.warning_days)

    def state_on(self, today: datetime.date) -> str:
        """ended, overdue (past its last day, no end recorded), ending (in the warning window), running."""
        if self.ended_on:
            return "ended"
        ends = last_day(self.started_on, self.duration_days)
        if today > ends:
            return "overdue"
        if today >= self.warn_from:
            return "ending"
        return "running"


def last_day(started_on: datetime.date, duration_days: int) -> datetime.date:
    """The last day of a period of ``duration_days`` days that includes ``started_on``."""
    return started_on + datetime.timedelta(days=duration_days - 1)


class PermitType(models.TextChoices):
    REFLECTION = "reflection", _("Stay during the reflection period")
    VICTIM = "victim", _("Residence permit for victims (Directive 2004/81/EC, Art. 8)")
    HUMANITARIAN = "humanitarian", _("Humanitarian or compassionate grounds")
    PROTECTION = "protection", _("International protection")
    OTHER = "other", pgettext_lazy("permit", "Other")


class PermitStatus(models.TextChoices):
    APPLIED = "applied", _("Applied for")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    EXPIRED = "expired", pgettext_lazy("permit", "Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ResidencePermit(AssistanceRecord):
    """A residence permit applied for or granted to the person."""

    STAGE: ClassVar[str] = Stage.FIRST_ASSISTANCE
    DATE_FIELD: ClassVar[str] = "applied_on"
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("document_number",)

    permit_type = models.CharField(_("type of permit"), max_length=20, choices=PermitType.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=PermitStatus.choices, default=PermitStatus.APPLIED
    )
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    document_number = EncryptedTextField(_("document number"), null=True, blank=True)

    class Meta:
        ordering = ["valid_from", "id"]
        verbose_name = _("residence permit")

    def clean(self) -> None:
        _check_order(self, "valid_from", "valid_until")


# --- 3. long-term assistance and social inclusion -----------------------------------------------


class ServiceType(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    MEDICAL = "medical", _("Medical")
    PSYCHOLOGICAL = "psychological", _("Psychological")
    LEGAL = "legal", _("Legal")
    INTERPRETATION = "interpretation", _("Interpretation")
    FINANCIAL = "financial", _("Financial")
    EDUCATION = "education", _("Education")
    EMPLOYMENT = "employment", _("Employment")


class ServiceOutcome(models.TextChoices):
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    DISCONTINUED = "discontinued", _("Discontinued")
    DECLINED = "declined", _("Declined by the person")


class Service(AssistanceRecord):
    """A service given to the person: which, by whom, from when to when, with what outcome."""

    STAGE: ClassVar[str] = Stage.LONG_TERM
    DATE_FIELD: ClassVar[str] = "started_on"
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("notes",)

    service_type = models.CharField(_("service"), max_length=20, choices=ServiceType.choices)
    provider = models.ForeignKey(
        "tenancy.Organisation",
        verbose_name=_("provider (an organisation in Pharos)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    provider_name = models.CharField(_("provider (not in Pharos)"), max_length=200, blank=True)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=ServiceOutcome.choices, default=ServiceOutcome.ONGOING
    )
    notes = EncryptedTextField(_("notes"), null=True, blank=True)

    class Meta:
        ordering = ["started_on", "id"]
        verbose_name = _("service")

    def clean(self) -> None:
        _check_order(self, "started_on", "ended_on")
        if self.provider_id is None and not self.provider_name:
            raise ValidationError(
                {"provider_name": _("Name the provider, or choose it among the organisations.")}
            )


# --- 4. return and social inclusion --------------------------------------------------------------


class ReturnDecision(models.TextChoices):
    RETURN = "return", _("Return to the country of origin")
    STAY = "stay", _("Stay in the country of destination")
    THIRD = "third", _("Go to a third country")
    UNDECIDED = "undecided", _("Not decided yet")


class ReturnPlan(AssistanceRecord):
    """The person's informed decision on return, the reception arranged and the reintegration plan.

    A safe return needs a pre-return risk assessment (a ``RiskAssessment`` of kind
    ``pre_return``) first; the pathway page shows whether one exists.
    """

    STAGE: ClassVar[str] = Stage.RETURN
    DATE_FIELD: ClassVar[str] = "decided_on"
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("reception_arrangements", "reintegration_plan")

    decision = models.CharField(_("the person's decision"), max_length=20, choices=ReturnDecision.choices)
    decided_on = models.DateField(_("decided on"))
    informed = models.BooleanField(
        _("the person was informed of the risks, rights and options before deciding"), default=False
    )
    country = models.CharField(_("country of return"), max_length=2, blank=True)
    reception_org = models.ForeignKey(
        "tenancy.Organisation",
        verbose_name=_("receiving organisation (in Pharos)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reception_name = models.CharField(_("receiving organisation (not in Pharos)"), max_length=200, blank=True)
    reception_arrangements = EncryptedTextField(_("reception arrangements"), null=True, blank=True)
    arrival_on = models.DateField(_("arrival on"), null=True, blank=True)
    reintegration_plan = EncryptedTextField(_("reintegration plan"), null=True, blank=True)
    reintegration_review_on = models.DateField(_("reintegration plan to review on"), null=True, blank=True)

    class Meta:
        ordering = ["decided_on", "id"]
        verbose_name = _("return plan")

    def clean(self) -> None:
        if self.decision in (ReturnDecision.RETURN, ReturnDecision.THIRD) and not self.country:
            raise ValidationError({"country": _("Name the country the person goes to.")})


# --- 5. criminal and civil proceedings -----------------------------------------------------------


class ProceedingRoleType(models.TextChoices):
    WITNESS = "witness", _("Witness")
    INJURED_PARTY = "injured_party", _("Injured party")
    CIVIL_PARTY = "civil_party", _("Civil party (claim within the criminal case)")
    PLAINTIFF = "plaintiff", _("Plaintiff in civil or labour proceedings")
    NONE = "none", _("Not taking part")


class ProceedingRole(AssistanceRecord):
    """The person's part in criminal or civil proceedings (witness status and the like)."""

    STAGE: ClassVar[str] = Stage.PROCEEDINGS
    DATE_FIELD: ClassVar[str] = "since"
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("file_number", "notes")

    role = models.CharField(_("role"), max_length=20, choices=ProceedingRoleType.choices)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    file_number = EncryptedTextField(_("police or court file number"), null=True, blank=True)
    notes = EncryptedTextField(_("notes"), null=True, blank=True)

    class Meta:
        ordering = ["since", "id"]
        verbose_name = _("role in proceedings")

    def clean(self) -> None:
        _check_order(self, "since", "until")


class ProtectionType(models.TextChoices):
    ANONYMITY = "anonymity", _("Anonymity or protected identity")
    REMOTE = "remote", _("Testimony by video link or without facing the accused")
    SEPARATION = "separation", _("Separate waiting room or entrance")
    ESCORT = "escort", _("Police protection or escort")
    RELOCATION = "relocation", _("Relocation")
    PROGRAMME = "programme", _("Witness protection programme")
    OTHER = "other", pgettext_lazy("protection", "Other")


class ProtectionMeasure(AssistanceRecord):
    """A victim or witness protection measure granted in proceedings."""

    STAGE: ClassVar[str] = Stage.PROCEEDINGS
    DATE_FIELD: ClassVar[str] = "granted_on"
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("notes",)

    measure = models.CharField(_("measure"), max_length=20, choices=ProtectionType.choices)
    granted_on = models.DateField(_("granted on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    authority = models.CharField(_("granted by"), max_length=200, blank=True)
    notes = EncryptedTextField(_("notes"), null=True, blank=True)

    class Meta:
        ordering = ["granted_on", "id"]
        verbose_name = _("protection measure")

    def clean(self) -> None:
        _check_order(self, "granted_on", "ended_on")


class ClaimKind(models.TextChoices):
    CRIMINAL = "criminal", _("Within the criminal proceedings")
    CIVIL = "civil", _("Separate civil or labour proceedings")
    STATE = "state", _("State compensation")


class ClaimStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    FILED = "filed", _("Filed")
    AWARDED = "awarded", _("Awarded")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CompensationClaim(AssistanceRecord):
    """A compensation claim: criminal (civil claim in the criminal case), civil, or state."""

    STAGE: ClassVar[str] = Stage.PROCEEDINGS
    DATE_FIELD: ClassVar[str] = "filed_on"
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("notes",)

    kind = models.CharField(_("kind of claim"), max_length=20, choices=ClaimKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.PLANNED
    )
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    currency = models.CharField(_("currency (ISO 4217)"), max_length=3, blank=True)
    amount_claimed = models.DecimalField(
        _("amount claimed"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    amount_awarded = models.DecimalField(
        _("amount awarded"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    amount_paid = models.DecimalField(
        _("amount paid"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    notes = EncryptedTextField(_("notes"), null=True, blank=True)

    class Meta:
        ordering = ["filed_on", "id"]
        verbose_name = _("compensation claim")

    def clean(self) -> None:
        _check_order(self, "filed_on", "decided_on")
        amounts = (self.amount_claimed, self.amount_awarded, self.amount_paid)
        if any(a is not None for a in amounts) and not self.currency:
            raise ValidationError({"currency": _("Give the currency of the amounts.")})
