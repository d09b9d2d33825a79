"""Writes about organisations, memberships, the acting organisation and reference data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction

from pharos.audit import log
from pharos.tenancy import access, reference
from pharos.tenancy.models import (
    Country,
    Membership,
    Organisation,
    OrganisationType,
    ReferralRole,
    Region,
    RegionMembership,
)
from pharos.tenancy.roles import Role

if TYPE_CHECKING:
    from pharos.accounts.models import User


class TenancyError(ValueError):
    """A tenancy write was refused (the message says why, in words an administrator can act on)."""


def organisation_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    country_code: str,
    org_type: str,
    referral_roles: Iterable[str] = (),
) -> Organisation:
    """A new organisation. Country, type and referral roles must be known codes."""
    country = Country.objects.filter(code=country_code.upper()).first()
    if country is None:
        raise TenancyError(
            f"Unknown country {country_code!r}; load the reference data first (pharos reference load)."
        )
    if org_type not in OrganisationType.values:
        raise TenancyError(
            f"Unknown organisation type {org_type!r}; one of: {', '.join(OrganisationType.values)}."
        )
    roles = list(dict.fromkeys(referral_roles))
    unknown = [r for r in roles if r not in ReferralRole.values]
    if unknown:
        raise TenancyError(f"Unknown referral roles {unknown}; one of: {', '.join(ReferralRole.values)}.")
    if Organisation.objects.filter(code=code).exists():
        raise TenancyError(f"An organisation with code {code!r} exists already.")
    with transaction.atomic():
        organisation = Organisation.objects.create(
            code=code, name=name, country=country, org_type=org_type, referral_roles=roles
        )
        log.record(
            "tenancy.organisation.created",
            actor=actor,
            target=organisation,
            organisation=organisation,
            data={
                "code": code,
                "name": name,
                "country": country.code,
                "type": org_type,
                "referral_roles": roles,
            },
        )
    return organisation


def membership_grant(*, actor: User | None, user: User, organisation: Organisation, role: str) -> Membership:
    """Give ``user`` a role in ``organisation`` (reactivating an ended one; granting twice is a no-op)."""
    if role not in Role.values:
        raise TenancyError(f"Unknown role {role!r}; one of: {', '.join(Role.values)}.")
    with transaction.atomic():
        membership, created = Membership.objects.select_for_update().get_or_create(
            user=user, organisation=organisation, role=role
        )
        if not created and membership.is_active:
            return membership
        if not created:
            membership.is_active = True
            membership.save(update_fields=["is_active"])
        log.record(
            "tenancy.membership.created" if created else "tenancy.membership.changed",
            actor=actor,
            target=membership,
            organisation=organisation,
            data={"user": str(user.public_id), "role": role, "active": True},
        )
    return membership


def membership_act_as(
    *, actor: User, membership_public_id: Any, session: SessionBase | None = None
) -> Membership:
    """Act for another of the actor's memberships from now on (404 unless it is theirs and active)."""
    from pharos.tenancy.queries import get_membership_for_user

    membership = get_membership_for_user(actor, membership_public_id)
    previous = access.acting_membership(actor)
    with transaction.atomic():
        log.record(
            "accounts.user.acting_changed",
            actor=actor,
            target=membership,
            organisation=membership.organisation,
            data={
                "from": previous.organisation.code if previous else None,
                "from_role": previous.role if previous else None,
                "to": membership.organisation.code,
                "to_role": membership.role,
            },
        )
    if session is not None:
        session[access.SESSION_KEY] = str(membership.public_id)
    access.set_acting(actor, membership)
    return membership


@dataclass
class ReferenceLoadResult:
    """What a reference load changed; all zero when the database already matched the files."""

    created: dict[str, int] = field(default_factory=lambda: {"countries": 0, "regions": 0, "memberships": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"countries": 0, "regions": 0, "memberships": 0})
    removed: dict[str, int] = field(default_factory=lambda: {"memberships": 0})

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values()) or any(self.removed.values())


def _sync(obj: Any, values: dict[str, Any]) -> bool:
    """Set ``values`` on ``obj``; True (and saved) only if something differed."""
    differs = {k: v for k, v in values.items() if getattr(obj, k) != v}
    for key, value in differs.items():
        setattr(obj, key, value)
    if differs:
        obj.save(update_fields=list(differs))
    return bool(differs)


def reference_data_load(
    *,
    actor: User | None = None,
    countries_file: Path = reference.COUNTRIES_FILE,
    regions_file: Path = reference.REGIONS_FILE,
) -> ReferenceLoadResult:
    """Bring countries and regions in line with the files; running it again changes nothing.

    Countries are never deleted (organisations point at them); a region's memberships that
    are no longer in the file are removed.
    """
    country_rows = reference.read_countries(countries_file)
    region_rows = reference.read_regions(regions_file)
    known = {row.code for row in country_rows}
    for region_row in region_rows:
        missing = [m.country for m in region_row.members if m.country not in known]
        if missing:
            raise reference.ReferenceDataError(f"Region {region_row.code} lists unknown countries {missing}.")
    result = ReferenceLoadResult()
    with transaction.atomic():
        countries = {c.code: c for c in Country.objects.all()}
        for row in country_rows:
            values = {
                "alpha3": row.alpha3,
                "numeric": row.numeric,
                "names": row.names,
                "footnote": row.footnote,
            }
            if row.code not in countries:
                countries[row.code] = Country.objects.create(code=row.code, **values)
                result.created["countries"] += 1
            elif _sync(countries[row.code], values):
                result.updated["countries"] += 1
        for region_row in region_rows:
            _load_region(region_row, countries, result)
        if result.changed:
            log.record(
                "tenancy.reference.loaded",
                actor=actor,
                data={"created": result.created, "updated": result.updated, "removed": result.removed},
            )
    return result


def _load_region(
    row: reference.RegionRow, countries: dict[str, Country], result: ReferenceLoadResult
) -> None:
    region = Region.objects.filter(code=row.code).first()
    if region is None:
        region = Region.objects.create(code=row.code, names=row.names)
        result.created["regions"] += 1
    elif _sync(region, {"names": row.names}):
        result.updated["regions"] += 1
    existing = {(m.country_id, m.valid_from): m for m in RegionMembership.objects.filter(region=region)}
    wanted = set()
    for member in row.members:
        country = countries[member.country]
        key = (country.pk, member.valid_from)
        wanted.add(key)
        if key not in existing:
            existing[key] = RegionMembership.objects.create(
                region=region, country=country, valid_from=member.valid_from, valid_to=member.valid_to
            )
            result.created["memberships"] += 1
        elif _sync(existing[key], {"valid_to": member.valid_to}):
            result.updated["memberships"] += 1
    stale = [m.pk for key, m in existing.items() if key not in wanted]
    if stale:
        RegionMembership.objects.filter(pk__in=stale).delete()
        result.removed["memberships"] += len(stale)
