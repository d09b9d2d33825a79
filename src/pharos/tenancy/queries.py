"""Reads about organisations, memberships, countries and regions.

The directory of organisations is not secret: every signed-in member may read it (the
``tenancy.directory`` capability every role holds). Who works where is: members are only
listed to holders of ``tenancy.members`` acting for that same organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from pharos.tenancy import access
from pharos.tenancy.models import Country, Membership, Organisation, Region, RegionMembership


@dataclass(frozen=True)
class DirectoryFilter:
    country: str = ""
    region: str = ""
    org_type: str = ""
    text: str = ""


def region_membership_on(day: date) -> Q:
    """RegionMembership rows in force on ``day`` (empty dates are open-ended)."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def countries_in_region(code: str, *, on: date | None = None) -> QuerySet[Country]:
    """The countries belonging to region ``code`` on the given day (today by default)."""
    day = on or timezone.localdate()
    memberships = RegionMembership.objects.filter(region_membership_on(day), region__code=code)
    return Country.objects.filter(pk__in=memberships.values("country_id")).order_by("code")


def countries() -> QuerySet[Country]:
    return Country.objects.order_by("code")


def regions() -> QuerySet[Region]:
    return Region.objects.prefetch_related("memberships__country").order_by("code")


def organisations_directory(
    filters: DirectoryFilter | None = None, *, on: date | None = None
) -> QuerySet[Organisation]:
    """Active organisations, filtered by country, region (membership as of ``on``), type or name."""
    filters = filters or DirectoryFilter()
    found = Organisation.objects.active().select_related("country")
    if filters.country:
        found = found.filter(country__code=filters.country.upper())
    if filters.region:
        found = found.filter(country__in=countries_in_region(filters.region, on=on))
    if filters.org_type:
        found = found.filter(org_type=filters.org_type)
    if filters.text:
        found = found.filter(Q(name__icontains=filters.text) | Q(code__icontains=filters.text))
    return found.order_by("country__code", "name")


def get_organisation(public_id: Any) -> Organisation:
    """An active organisation of the directory by public id; 404 otherwise."""
    try:
        return Organisation.objects.active().select_related("country").get(public_id=public_id)
    except (Organisation.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such organisation.") from exc


def may_see_members(user: Any, organisation: Organisation) -> bool:
    membership = access.acting_membership(user)
    return (
        membership is not None
        and membership.organisation_id == organisation.pk
        and membership.has("tenancy.members")
    )


def members_of(user: Any, organisation: Organisation) -> QuerySet[Membership] | None:
    """The organisation's memberships, or None when ``user`` may not see them."""
    if not may_see_members(user, organisation):
        return None
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-is_active", "user__email", "role")
    )


def get_membership_for_user(user: Any, public_id: Any) -> Membership:
    """One of the user's own active memberships (in an active organisation); 404 otherwise."""
    try:
        return Membership.objects.select_related("organisation__country").get(
            public_id=public_id, user=user, is_active=True, organisation__is_active=True
        )
    except (Membership.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such membership.") from exc
