"""Screenings of a person on the ILO–EC operational indicators of trafficking (2009).

A screening is a front-line worker's record of which indicators she found, on a case or
before any registration with as little as an alias. Which indicators were found, the alias
and the notes may identify the person: they are encrypted. The rule's result (overall and
the positive dimensions) is stored in clear so lists need no decryption; it is recomputed
from the indicators with ``indicators.evaluate`` whenever the screening is shown.
"""

from __future__ import annotations

import uuid
from typing import Final

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pharos.privacy.fields import EncryptedJSONField, EncryptedTextField
from pharos.tenancy.models import Membership, OrganisationOwned


class IndicatorListKey(models.TextChoices):
    ADULT_LABOUR = "adult_labour", _("Adults, labour exploitation")
    ADULT_SEXUAL = "adult_sexual", _("Adults, sexual exploitation")
    CHILD_LABOUR = "child_labour", _("Children, labour exploitation")
    CHILD_SEXUAL = "child_sexual", _("Children, sexual exploitation")


class Screening(OrganisationOwned):
    """One screening: the list used, the indicators found, the result of the combination rule."""

    PERSONAL_FIELDS: Final = ("alias", "present", "notes")
    RULE: Final = "ilo-ec-2009"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        "cases.VictimCase",
        verbose_name=_("victim case"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    alias = EncryptedTextField(_("alias"), null=True, blank=True)
    indicator_list = models.CharField(
        _("list of indicators"), max_length=20, choices=IndicatorListKey.choices
    )
    screened_on = models.DateField(_("date of the screening"))
    present = EncryptedJSONField(_("indicators found"), null=True, blank=True)
    notes = EncryptedTextField(_("notes"), null=True, blank=True)
    rule = models.CharField(max_length=20, default=RULE)
    overall = models.BooleanField(_("the combination rule is met"), default=False)
    positive_dimensions = models.JSONField(default=list, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-screened_on", "-id"]
        indexes = [models.Index(fields=["organisation", "-screened_on"], name="screening_org_date_idx")]
        verbose_name = _("screening")

    def __str__(self) -> str:
        return str(self.public_id)

    @classmethod
    def visibility_filter(cls, membership: Membership, capability: str) -> Q:
        """The organisation's own screenings, and those another organisation made on its cases."""
        return Q(organisation_id=membership.organisation_id) | Q(
            case__organisation_id=membership.organisation_id
        )

    @property
    def found(self) -> list[str]:
        return list(self.present or [])
