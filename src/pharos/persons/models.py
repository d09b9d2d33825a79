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
    reference = models.CharField(_("reference"), max_length=32, unique=True)
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
        ordering = ["-created_at"]
        verbose_name = _("person")

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
