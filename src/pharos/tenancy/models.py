"""Countries, regional groupings, organisations and who belongs to them in which role."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pharos.tenancy import roles
from pharos.tenancy.scoping import ScopedManager


class Country(models.Model):
    """A country or territory: ISO 3166-1, plus XK for Kosovo. Reference data."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    alpha3 = models.CharField(max_length=3)
    numeric = models.CharField(max_length=3, blank=True)
    names = models.JSONField(default=dict, help_text="Display name per UI language.")
    footnote = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "en").lower()
        return str(self.names.get(language) or self.names.get("en") or self.code)


class Region(models.Model):
    """A grouping of countries (SEE, EU, ECOWAS…) whose membership changes over time."""

    code = models.CharField(max_length=16, unique=True)
    names = models.JSONField(default=dict)
    countries = models.ManyToManyField(Country, through="RegionMembership", related_name="regions")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        language = (get_language() or "en").lower()
        return str(self.names.get(language) or self.names.get("en") or self.code)


class RegionMembership(models.Model):
    """A country's membership of a region between two dates (open-ended when empty)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="memberships")
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="region_memberships")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "country", "valid_from"], name="region_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.region.code}:{self.country.code}"

    def active_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class OrganisationType(models.TextChoices):
    """HTCDS 2.0 ``org_Type``."""

    NGO = "NGO", _("NGO")
    LAW_ENFORCEMENT = "LawEnforcement", _("Law enforcement")
    HEALTH = "HealthServiceOrganisation", _("Health service organisation")
    CENTRAL_GOVERNMENT = "CentralGovernmentOrganisation", _("Central government organisation")
    LOCAL_GOVERNMENT = "LocalGovernmentOrganisation", _("Local government organisation")
    IMMIGRATION = "ImmigrationService", _("Immigration service")
    LEGAL = "LegalService", _("Legal service")
    CORPORATE = "CorporateBusiness", _("Corporate business")
    SCHOOL = "SchoolOrCollege", _("School or college")


class ReferralRole(models.TextChoices):
    """What an organisation does in the national or transnational referral mechanism."""

    IDENTIFYING_BODY = "identifying_body", _("Identifying body")
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    NATIONAL_COORDINATOR = "national_coordinator", _("National coordinator")
    TRM_CONTACT_POINT = "trm_contact_point", _("TRM contact point")
    STATISTICS_OFFICE = "statistics_office", _("Statistics office")
    TRAINING_INSTITUTION = "training_institution", _("Training institution")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)


class Organisation(models.Model):
    """A government body, NGO or international organisation that uses Pharos."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="organisations")
    org_type = models.CharField(_("type"), max_length=40, choices=OrganisationType.choices)
    referral_roles = models.JSONField(_("roles in the referral mechanism"), default=list)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["country__code", "name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name

    def referral_role_labels(self) -> list[str]:
        labels = dict(ReferralRole.choices)
        return [str(labels.get(code, code)) for code in self.referral_roles]


class Membership(models.Model):
    """A user's role in one organisation. A user acts for one membership at a time."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=40, choices=roles.Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_once"),
        ]
        ordering = ["organisation__name", "role"]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_role_display()}"

    @property
    def capabilities(self) -> frozenset[str]:
        return roles.info(self.role).capabilities if self.is_active else frozenset()

    def has(self, capability: str) -> bool:
        return capability in self.capabilities

    @property
    def needs_two_factor(self) -> bool:
        return roles.info(self.role).needs_two_factor


class OrganisationOwned(models.Model):
    """Base of tenant data: owned by one organisation, reached only through visible_to()."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager()

    class Meta:
        abstract = True

    @classmethod
    def visibility_filter(cls, membership: Membership, capability: str) -> Q:
        """Which rows the acting membership may reach; subclasses widen this (referrals)."""
        return Q(organisation_id=membership.organisation_id)
