"""Demo data: two countries, an organisation of every type, a user for every role.

Idempotent: organisations are found by code and users by e-mail, so ``pharos demo`` can
run on every start. Every person in the demo is invented. Two-factor sign-in is not
switched off: each demo user enrols an authenticator app at first sign-in, which is part
of the demo walk-through in the README.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from pharos.accounts.models import User
from pharos.tenancy.models import Membership, Organisation

DEMO_PASSWORD = "Pharos-demo-2026!"  # noqa: S105 - printed on purpose; demo only


@dataclass(frozen=True)
class DemoOrg:
    code: str
    name: str
    country: str
    org_type: str
    referral_roles: tuple[str, ...]


ORGANISATIONS = [
    DemoOrg(
        "mk-ncc",
        "National Commission for Combating Trafficking (demo)",
        "MK",
        "CentralGovernmentOrganisation",
        ("national_coordinator", "trm_contact_point"),
    ),
    DemoOrg(
        "mk-police",
        "Police Anti-Trafficking Unit Skopje (demo)",
        "MK",
        "LawEnforcement",
        ("identifying_body",),
    ),
    DemoOrg(
        "mk-safe-harbour",
        "Safe Harbour Skopje (demo NGO)",
        "MK",
        "NGO",
        ("identifying_body", "service_provider"),
    ),
    DemoOrg("mk-prosecution", "Public Prosecutor's Office Skopje (demo)", "MK", "LegalService", ()),
    DemoOrg(
        "mk-clinic", "City Clinic Skopje (demo)", "MK", "HealthServiceOrganisation", ("service_provider",)
    ),
    DemoOrg(
        "mk-stats",
        "State Statistical Office (demo)",
        "MK",
        "CentralGovernmentOrganisation",
        ("statistics_office",),
    ),
    DemoOrg(
        "al-coordinator",
        "Office of the National Anti-Trafficking Coordinator (demo)",
        "AL",
        "CentralGovernmentOrganisation",
        ("national_coordinator", "trm_contact_point"),
    ),
    DemoOrg(
        "al-border",
        "Border and Migration Police Tirana (demo)",
        "AL",
        "ImmigrationService",
        ("identifying_body",),
    ),
    DemoOrg(
        "al-municipality",
        "Tirana Social Services (demo)",
        "AL",
        "LocalGovernmentOrganisation",
        ("service_provider",),
    ),
    DemoOrg("al-shelter", "Different Paths Shelter (demo NGO)", "AL", "NGO", ("service_provider",)),
    DemoOrg("al-hotels", "Hospitality Partners Association (demo)", "AL", "CorporateBusiness", ()),
    DemoOrg(
        "al-magistrates", "School of Magistrates (demo)", "AL", "SchoolOrCollege", ("training_institution",)
    ),
]


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    memberships: tuple[tuple[str, str], ...]  # (organisation code, role)


USERS = [
    DemoUser("coordinator@mk.demo", "Elena Coordinator", (("mk-ncc", "national_coordinator"),)),
    DemoUser(
        "caseworker@mk.demo",
        "Ana Caseworker",
        (("mk-safe-harbour", "case_worker"), ("mk-clinic", "service_provider")),
    ),
    DemoUser("police@mk.demo", "Marko Officer", (("mk-police", "law_enforcement"),)),
    DemoUser("prosecutor@mk.demo", "Vesna Prosecutor", (("mk-prosecution", "prosecutor_judge"),)),
    DemoUser("statistician@mk.demo", "Ivan Statistician", (("mk-stats", "statistician"),)),
    DemoUser("auditor@mk.demo", "Sara Auditor", (("mk-ncc", "auditor"),)),
    DemoUser("admin@pharos.demo", "System Administrator", (("mk-ncc", "system_administrator"),)),
    DemoUser("provider@al.demo", "Arta Provider", (("al-shelter", "service_provider"),)),
    DemoUser("caseworker@al.demo", "Besnik Caseworker", (("al-border", "case_worker"),)),
    DemoUser("trainer@al.demo", "Drita Trainer", (("al-magistrates", "trainer"),)),
    DemoUser("editor@al.demo", "Gentian Editor", (("al-coordinator", "editor"),)),
]

# Invented people, registered by the demo NGOs so the persons module has something to show.
PERSONS: list[tuple[str, dict[str, Any]]] = [
    (
        "mk-safe-harbour",
        {
            "first_name": "Marija",
            "second_name": "Demo-Petrovska",
            "gender": "Feminine",
            "birth_date": date(1999, 4, 12),
            "citizenships": ["MK"],
        },
    ),
    ("mk-safe-harbour", {"aliases": ["Lina"], "gender": "Feminine", "citizenships": ["MD"]}),
    (
        "mk-safe-harbour",
        {
            "first_name": "Oleg",
            "second_name": "Demo-Sirbu",
            "gender": "Masculine",
            "birth_date": date(1987, 11, 3),
            "citizenships": ["MD", "RO"],
        },
    ),
    (
        "al-shelter",
        {
            "first_name": "Elira",
            "second_name": "Demo-Hoxha",
            "gender": "Feminine",
            "birth_date": date(2007, 1, 30),
            "citizenships": ["AL"],
        },
    ),
    (
        "al-shelter",
        {
            "first_name": "Joy",
            "second_name": "Demo-Okafor",
            "gender": "Feminine",
            "birth_date": date(1995, 6, 21),
            "citizenships": ["NG"],
        },
    ),
]


def load(*, stdout=None) -> dict[str, int]:
    """Create what is missing; change nothing that exists. Returns counts created."""
    from pharos.standards.actions import codelists_load
    from pharos.tenancy.actions import membership_grant, organisation_create, reference_data_load

    created = {"organisations": 0, "users": 0, "memberships": 0, "persons": 0}
    reference_data_load()
    codelists_load()
    with transaction.atomic():
        orgs: dict[str, Organisation] = {}
        for spec in ORGANISATIONS:
            org = Organisation.objects.filter(code=spec.code).first()
            if org is None:
                org = organisation_create(
                    actor=None,
                    code=spec.code,
                    name=spec.name,
                    country_code=spec.country,
                    org_type=spec.org_type,
                    referral_roles=list(spec.referral_roles),
                )
                created["organisations"] += 1
            orgs[spec.code] = org
        for spec_user in USERS:
            user = User.objects.filter(email=spec_user.email).first()
            if user is None:
                user = User.objects.create_user(spec_user.email, DEMO_PASSWORD, full_name=spec_user.full_name)
                created["users"] += 1
            for org_code, role in spec_user.memberships:
                if not Membership.objects.filter(user=user, organisation=orgs[org_code], role=role).exists():
                    membership_grant(actor=None, user=user, organisation=orgs[org_code], role=role)
                    created["memberships"] += 1
    created["persons"] = _load_persons(orgs)
    return created


def _load_persons(orgs: dict[str, Organisation]) -> int:
    from pharos.persons.actions import person_register
    from pharos.persons.models import Person

    count = 0
    seen: dict[str, int] = {}
    for org_code, fields in PERSONS:
        org = orgs[org_code]
        # The n-th demo person of an organisation is registered only while it holds fewer than n.
        seen[org_code] = seen.get(org_code, 0) + 1
        if (
            Person.objects.unscoped("demo data is idempotent").filter(organisation=org).count()
            >= seen[org_code]
        ):
            continue
        author = Membership.objects.filter(organisation=org).select_related("user").first()
        person_register(actor=author.user if author else None, organisation=org, **fields)
        count += 1
    return count


def logins() -> list[tuple[str, str, str]]:
    """(e-mail, role at organisation, password) for the README and ``make demo``."""
    names = {o.code: o.name for o in ORGANISATIONS}
    rows = []
    for spec_user in USERS:
        roles = "; ".join(
            f"{role.replace('_', ' ')} at {names[code]}" for code, role in spec_user.memberships
        )
        rows.append((spec_user.email, roles, DEMO_PASSWORD))
    return rows
