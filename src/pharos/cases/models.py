"""Victim cases on HTCDS 2.0, and the criminal-justice records kept apart from them (ADR 0008).

Two sides, as in ICMPD's DCIM and the Eurostat/UNODC counting units:

- the **victim side**: a ``VictimCase`` per person and identifying organisation, with the
  HTCDS ``vic_`` facts, its ``StatusDecision`` history (possible / actual / not a victim,
  who decided and when), its ``TraffickingEvent``s (recruitment, transit, exploitation) and
  the ``PerpetratorAccount``s the victim gave;
- the **criminal-justice side**: ``Suspect``s and ``Proceeding``s (investigation,
  prosecution, trial), each suspect's ``Defendant`` outcome in a proceeding, and the victim
  cases a proceeding concerns (``ProceedingVictim``).

What a victim says about a perpetrator is never merged into a suspect record: the same
perpetrator cannot be matched across victims (CTDC VP codebook §1.2), and the two sides are
read by different roles. Coded fields store codes of a named code list (``fields.CodeField``);
direct identifiers and free text that may identify someone are encrypted.
"""

from __future__ import annotations

import uuid
from typing import Final

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pharos.cases.fields import CodeField, CodesField
from pharos.privacy.fields import BlindIndexField, EncryptedDateField, EncryptedTextField
from pharos.tenancy.models import OrganisationOwned

FORMS_OF_EXPLOITATION: Final = "pharos.form_of_exploitation"
VICTIM_STATUS: Final = "pharos.victim_status"
DECISION_ORG_TYPE: Final = "htcds.vic_TraffickingStatusDecisionMakingOrg"
MEANS_OF_CONTROL: Final = "pharos.means_of_control"
RECRUITER_RELATIONSHIP: Final = "pharos.recruiter_relationship"
LABOUR_SECTOR: Final = "isic.section"
SEX_EXPLOITATION: Final = "htcds.vic_TypeOfSexExploitation"
RECRUITMENT_METHOD: Final = "htcds.vic_MethodOfRecruitment"
EVENT_TYPE: Final = "pharos.trafficking_event_type"
PERPETRATOR_ROLE: Final = "htcds.per_RoleInProcess"
SEX: Final = "unodc.sex"
AGE_GROUP: Final = "ctdc.age_broad"


def _external_id_once(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["organisation", "external_id"], condition=~Q(external_id=""), name=name
    )


class Provenance(models.Model):
    """Where an imported record came from; empty for records typed in a form.

    ``external_id`` (an ODK/Kobo ``instanceID``, a row key of the source system) is unique per
    organisation, so importing the same submission twice finds the record instead of
    duplicating it.
    """

    source_org = models.ForeignKey(
        "tenancy.Organisation",
        verbose_name=_("source organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    import_batch = models.UUIDField(_("import batch"), null=True, blank=True, db_index=True)
    source_row = models.PositiveIntegerField(_("row in the source file"), null=True, blank=True)
    source_file_sha256 = models.CharField(_("SHA-256 of the source file"), max_length=64, blank=True)
    external_id = models.CharField(_("identifier in the source system"), max_length=200, blank=True)

    class Meta:
        abstract = True


class ReferenceCounter(models.Model):
    """The last number of references per organisation, kind of record and year (row-locked)."""

    organisation = models.ForeignKey("tenancy.Organisation", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=2)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "year"], name="cases_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.kind}/{self.year}: {self.last}"


# --- victim side ---------------------------------------------------------------------------------


class CaseState(models.TextChoices):
    """Where a case is in its life: worked on, waiting for a supervisor to approve closure, closed."""

    OPEN = "open", _("Open")
    CLOSURE_REQUESTED = "closure_requested", _("Closure requested")
    CLOSED = "closed", _("Closed")


class VictimCase(Provenance, OrganisationOwned):
    """One person's case as an organisation identified or assists them (HTCDS ``vic_`` fields).

    The current trafficking status is a copy of the latest ``StatusDecision`` (by decision
    date), kept here so lists and statistics filter on it without a join; it changes only
    through ``actions.case_status_decide``. Citizenship lives on the person.
    """

    PERSONAL_FIELDS: Final = ("notes",)
    # Pharos field → HTCDS 2.0 column (or the Pharos extension's column in the HTCDS layout).
    HTCDS: Final = {
        "trafficking_status": "vic_TraffickingStatus",
        "status_decision_org_type": "vic_TraffickingStatusDecisionMakingOrg",
        "age_at_recruitment": "vic_AgeWhenTrafficked",
        "age_at_exploitation": "vic_AgeAtExploitation",
        "age_at_identification": "vic_AgeAtIdentification",
        "country_of_exploitation": "vic_CountryOfExploitation",
        "registered_on": "vic_RegistrationDate",
        "forms_of_exploitation": "vic_TypeOfExploitation",
        "labour_sector": "vic_ForcedLabourIndustry",
        "sex_exploitation_types": "vic_TypeOfSexExploitation",
        "means_of_control": "vic_MethodsOfControl",
        "recruitment_methods": "vic_MethodOfRecruitment",
        "recruiter_relationships": "vic_RecruiterRelationship",
    }

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    person = models.ForeignKey(
        "persons.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    # Status: the current decision, copied from the latest StatusDecision.
    trafficking_status = CodeField(_("trafficking status"), list_key=VICTIM_STATUS)
    status_decision_org_type = CodeField(_("type of deciding organisation"), list_key=DECISION_ORG_TYPE)
    status_decision_org = models.ForeignKey(
        "tenancy.Organisation",
        verbose_name=_("deciding organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status_decided_on = models.DateField(_("date of the status decision"), null=True, blank=True)
    # Identification and registration.
    identified_by = models.ForeignKey(
        "tenancy.Organisation",
        verbose_name=_("identifying organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    identified_by_name = models.CharField(
        _("identifying organisation (not in Pharos)"), max_length=200, blank=True
    )
    registered_on = models.DateField(_("registration date"))
    # Ages in completed years, as Eurostat, UNODC and CTDC break them down.
    age_at_recruitment = models.PositiveSmallIntegerField(_("age at recruitment"), null=True, blank=True)
    age_at_exploitation = models.PositiveSmallIntegerField(_("age at exploitation"), null=True, blank=True)
    age_at_identification = models.PositiveSmallIntegerField(
        _("age at identification"), null=True, blank=True
    )
    country_of_exploitation = models.CharField(_("country of exploitation"), max_length=2, blank=True)
    forms_of_exploitation = CodesField(_("forms of exploitation"), list_key=FORMS_OF_EXPLOITATION)
    labour_sector = CodeField(_("labour sector (ISIC)"), list_key=LABOUR_SECTOR)
    sex_exploitation_types = CodesField(_("types of sexual exploitation"), list_key=SEX_EXPLOITATION)
    means_of_control = CodesField(_("means of control"), list_key=MEANS_OF_CONTROL)
    recruitment_methods = CodesField(_("methods of recruitment"), list_key=RECRUITMENT_METHOD)
    recruiter_relationships = CodesField(_("relationship to the recruiter"), list_key=RECRUITER_RELATIONSHIP)
    notes = EncryptedTextField(_("notes"), null=True, blank=True)
    # Case work (pharos.casework): who holds the case, and whether it is open or closed.
    # Changed only through pharos.casework.actions (assign, transfer, close, reopen, erase).
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case worker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        _("case state"), max_length=20, choices=CaseState.choices, default=CaseState.OPEN
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = models.CharField(_("closure reason"), max_length=40, blank=True)
    personal_data_erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-registered_on", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-registered_on"], name="case_org_registered_idx"),
            models.Index(fields=["organisation", "trafficking_status"], name="case_org_status_idx"),
            models.Index(fields=["organisation", "assigned_to", "state"], name="case_org_worker_idx"),
            models.Index(fields=["state", "closed_on"], name="case_state_closed_idx"),
        ]
        constraints = [_external_id_once("case_external_id_once")]
        verbose_name = _("victim case")
        verbose_name_plural = _("victim cases")

    def __str__(self) -> str:
        return self.reference


class StatusDecision(Provenance, OrganisationOwned):
    """One decision on a person's trafficking status: possible, actual (identified) or not a victim.

    Decisions are never changed or deleted; a new decision supersedes the old one. The
    organisation is the case's (the record's owner); the deciding organisation is
    ``decision_org`` when it uses Pharos, and its HTCDS type in any case.
    """

    PERSONAL_FIELDS: Final = ("note",)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(VictimCase, on_delete=models.CASCADE, related_name="+")
    status = CodeField(_("trafficking status"), list_key=VICTIM_STATUS)
    decision_org_type = CodeField(_("type of deciding organisation"), list_key=DECISION_ORG_TYPE)
    decision_org = models.ForeignKey(
        "tenancy.Organisation",
        verbose_name=_("deciding organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on = models.DateField(_("date of the decision"))
    note = EncryptedTextField(_("grounds"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        constraints = [_external_id_once("status_decision_external_id_once")]
        verbose_name = _("status decision")

    def __str__(self) -> str:
        return f"{self.status} {self.decided_on}"


class TraffickingEvent(Provenance, OrganisationOwned):
    """A step of what happened (HTCDS ``hte_``): recruitment, transit or exploitation.

    The place is free text (a town, a street, a venue) and may identify the person: it is
    encrypted. The country stays in clear for statistics.
    """

    PERSONAL_FIELDS: Final = ("place", "description")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(VictimCase, on_delete=models.CASCADE, related_name="+")
    event_type = CodeField(_("type of event"), list_key=EVENT_TYPE)
    country = models.CharField(_("country"), max_length=2, blank=True)
    occurred_on = models.DateField(_("date"), null=True, blank=True)
    place = EncryptedTextField(_("place"), null=True, blank=True)
    description = EncryptedTextField(_("description"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_on", "id"]
        constraints = [_external_id_once("event_external_id_once")]
        verbose_name = _("trafficking event")

    def __str__(self) -> str:
        return f"{self.event_type} {self.occurred_on or ''}".strip()


class PerpetratorAccount(Provenance, OrganisationOwned):
    """A perpetrator as the victim described them (CTDC VP layout; HTCDS ``per_``).

    Several per victim; never matched to a ``Suspect`` (the victim's account and a
    criminal-justice record are different sources about possibly different people).
    """

    PERSONAL_FIELDS: Final = ("role_details",)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(VictimCase, on_delete=models.CASCADE, related_name="+")
    sex = CodeField(_("sex"), list_key=SEX)
    age_group = CodeField(_("age group"), list_key=AGE_GROUP)
    citizenship = models.CharField(_("citizenship"), max_length=2, blank=True)
    relationship = CodeField(_("relationship to the victim"), list_key=RECRUITER_RELATIONSHIP)
    roles = CodesField(_("roles in the trafficking process"), list_key=PERPETRATOR_ROLE)
    role_details = EncryptedTextField(_("details of the role"), null=True, blank=True)
    paid_money = models.BooleanField(_("the victim paid this person"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [_external_id_once("perpetrator_account_external_id_once")]
        verbose_name = _("perpetrator account")

    def __str__(self) -> str:
        return str(self.public_id)


# --- criminal-justice side -----------------------------------------------------------------------


class Suspect(Provenance, OrganisationOwned):
    """A person suspected, prosecuted or tried for trafficking (Eurostat/UNODC counting unit).

    Identifiers are encrypted; sex, age and citizenship stay in clear for statistics.
    """

    PERSONAL_FIELDS: Final = ("first_name", "second_name", "birth_date", "identity_number", "notes")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    first_name = EncryptedTextField(_("first name"), null=True, blank=True)
    second_name = EncryptedTextField(_("family name"), null=True, blank=True)
    birth_date = EncryptedDateField(_("date of birth"), null=True, blank=True)
    identity_number = EncryptedTextField(_("identity document number"), null=True, blank=True)
    identity_index = BlindIndexField(source=("identity_number",))
    sex = CodeField(_("sex"), list_key=SEX)
    age = models.PositiveSmallIntegerField(_("age at the time of the offence"), null=True, blank=True)
    citizenships = models.JSONField(_("citizenship"), default=list, blank=True)
    roles = CodesField(_("roles in the trafficking process"), list_key=PERPETRATOR_ROLE)
    notes = EncryptedTextField(_("notes"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [_external_id_once("suspect_external_id_once")]
        verbose_name = _("suspect")

    def __str__(self) -> str:
        return self.reference

    @property
    def display_name(self) -> str:
        parts = [p for p in (self.first_name, self.second_name) if p]
        return " ".join(parts) if parts else self.reference


class Stage(models.TextChoices):
    """How far a proceeding has gone; it may only move forward (a retrial is a new proceeding)."""

    INVESTIGATION = "investigation", _("Investigation")
    PROSECUTION = "prosecution", _("Prosecution")
    TRIAL = "trial", _("Trial")
    CLOSED = "closed", _("Closed")


STAGE_ORDER: Final = {stage.value: position for position, stage in enumerate(Stage)}


class Proceeding(Provenance, OrganisationOwned):
    """A criminal case file: investigation, prosecution, trial, with what was confiscated and awarded.

    Outcomes (conviction, acquittal, sentence) are per defendant (``Defendant``), because
    Eurostat and UNODC count persons convicted, not proceedings.
    """

    PERSONAL_FIELDS: Final = ("file_number", "notes")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    file_number = EncryptedTextField(_("police or court file number"), null=True, blank=True)
    offence = models.CharField(_("offence (article of the criminal code)"), max_length=200, blank=True)
    forms_of_exploitation = CodesField(_("forms of exploitation"), list_key=FORMS_OF_EXPLOITATION)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.INVESTIGATION)
    investigation_opened_on = models.DateField(_("investigation opened on"), null=True, blank=True)
    prosecution_started_on = models.DateField(_("indictment filed on"), null=True, blank=True)
    trial_started_on = models.DateField(_("trial started on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    currency = models.CharField(_("currency (ISO 4217)"), max_length=3, blank=True)
    assets_confiscated = models.DecimalField(
        _("value of assets confiscated"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    compensation_awarded = models.DecimalField(
        _("compensation awarded to victims"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    notes = EncryptedTextField(_("notes"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [_external_id_once("proceeding_external_id_once")]
        verbose_name = _("proceeding")

    def __str__(self) -> str:
        return self.reference


class Outcome(models.TextChoices):
    """What a proceeding decided for one defendant."""

    PENDING = "pending", _("Pending")
    CONVICTED = "convicted", _("Convicted")
    ACQUITTED = "acquitted", _("Acquitted")
    DISCONTINUED = "discontinued", _("Discontinued (charges dropped or case dismissed)")


class Defendant(OrganisationOwned):
    """A suspect in a proceeding, with the outcome and sentence for them."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="+")
    suspect = models.ForeignKey(Suspect, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    decided_on = models.DateField(_("date of the decision"), null=True, blank=True)
    final = models.BooleanField(_("the decision is final"), default=False)
    sentence_months = models.PositiveIntegerField(_("prison sentence (months)"), null=True, blank=True)
    sentence_suspended = models.BooleanField(_("the sentence is suspended"), default=False)
    fine = models.DecimalField(_("fine"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["proceeding", "suspect"], name="defendant_once_per_proceeding")
        ]
        verbose_name = _("defendant")

    def __str__(self) -> str:
        return f"{self.proceeding_id}/{self.suspect_id}"


class ProceedingVictim(OrganisationOwned):
    """A victim case a proceeding concerns (both of the same organisation, for now)."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(VictimCase, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["proceeding", "case"], name="proceeding_victim_once")]
        verbose_name = _("victim in a proceeding")

    def __str__(self) -> str:
        return f"{self.proceeding_id}/{self.case_id}"
