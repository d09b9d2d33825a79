"""Person records: the direct identifiers of a person an organisation assists or identifies.

Field names follow HTCDS 2.0's ``prs_`` table. Identifiers are encrypted at rest; facts
that are not identifying on their own (gender, citizenship) stay in clear for statistics.
Later modules (cases, referrals) hang off a Person; erasure keeps the row and its facts.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pharos.privacy.fields import (
    BlindIndexField,
    EncryptedDateField,
    EncryptedJSONField,
    EncryptedTextField,
)
from pharos.tenancy.models import OrganisationOwned


class Gender(models.TextChoices):
    """HTCDS 2.0 ``prs_Gender``."""

    FEMININE = "Feminine", _("Feminine")
    MASCULINE = "Masculine", _("Masculine")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Transgender feminine")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Transgender masculine")
    NON_CONFORMING = "NonConforming", _("Non-conforming")
    UNKNOWN = "NonSpecifiedUnknown", _("Not specified or unknown")


class Person(OrganisationOwned):
    """A person registered by an organisation, with as little as an alias."""

    PERSONAL_FIELDS = (
        "first_name",
        "second_name",
        "aliases",
        "birth_date",
        "identity_number",
        "contact",
        "narrative",
    )

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    first_name = EncryptedTextField(_("first name"), null=True, blank=True)
    second_name = EncryptedTextField(_("family name"), null=True, blank=True)
    aliases = EncryptedJSONField(_("aliases"), null=True, blank=True)
    birth_date = EncryptedDateField(_("date of birth"), null=True, blank=True)
    identity_number = EncryptedTextField(_("identity document number"), null=True, blank=True)
    contact = EncryptedTextField(_("contact details"), null=True, blank=True)
    narrative = EncryptedTextField(_("notes"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=24, choices=Gender.choices, default=Gender.UNKNOWN)
    citizenships = models.JSONField(_("citizenship"), default=list, blank=True)
    name_index = BlindIndexField(source=("first_name", "second_name", "birth_date"))
    identity_index = BlindIndexField(source=("identity_number",))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="person_org_created_idx")]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return self.reference

    @property
    def display_name(self) -> str:
        if self.erased_at:
            return str(_("[erased]"))
        parts = [p for p in (self.first_name, self.second_name) if p]
        if parts:
            return " ".join(parts)
        if self.aliases:
            return str(self.aliases[0])
        return self.reference

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def name_variants(self) -> list[str]:
        """The names this person may be looked up by: full name (both orders) and each alias."""
        first, second = (self.first_name or "").strip(), (self.second_name or "").strip()
        variants = [f"{first} {second}", f"{second} {first}", *(str(a) for a in (self.aliases or []))]
        return [v for v in dict.fromkeys(v.strip() for v in variants) if v]


class PersonNameKey(models.Model):
    """One blind-index digest of a name a person may be found by (exact look-up, no plaintext).

    A person has several: full name in both orders and each alias. Rebuilt by the actions
    whenever names change, emptied by erasure. Reached only through Person's scope.
    """

    CONTEXT = "persons.person.name"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_keys")
    digest = models.CharField(max_length=32, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "digest"], name="person_name_key_once")]

    def __str__(self) -> str:
        return self.digest


class PersonReferenceCounter(models.Model):
    """The last sequence number of person references per organisation and year.

    Incremented with a single UPDATE inside the registering transaction, which holds the
    row lock until commit: two registrations never get the same number.
    """

    organisation = models.ForeignKey("tenancy.Organisation", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="person_reference_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last}"
