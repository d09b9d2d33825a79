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
    DemoUser("supervisor@mk.demo", "Jana Supervisor", (("mk-safe-harbour", "supervisor"),)),
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


# Invented victim cases for the demo persons: (organisation, n-th demo person of it, facts,
# first status decision, events, perpetrator accounts). Codes from the shipped code lists.
CASES: list[tuple[str, int, dict[str, Any], dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]] = [
    (
        "mk-safe-harbour",
        0,
        {
            "registered_on": date(2025, 11, 3),
            "age_at_recruitment": 24,
            "age_at_exploitation": 24,
            "age_at_identification": 26,
            "country_of_exploitation": "AL",
            "forms_of_exploitation": ["SexualExploitation", "ForcedLabour"],
            "labour_sector": "I",
            "sex_exploitation_types": ["Prostitution"],
            "means_of_control": ["DebtBondage", "WithholdsDocuments", "PsychologicalAbuse"],
            "recruitment_methods": ["ThroughOnlineSocialNetworks"],
            "recruiter_relationships": ["Acquaintance"],
        },
        {"status": "ActualVictim", "decision_org_type": "Police", "decided_on": date(2025, 11, 20)},
        [
            {
                "event_type": "Recruitment",
                "country": "MK",
                "occurred_on": date(2023, 6, 1),
                "place": "Demo town",
            },
            {"event_type": "Exploitation", "country": "AL", "occurred_on": date(2023, 8, 15)},
        ],
        [
            {
                "sex": "male",
                "age_group": "30--38",
                "relationship": "Acquaintance",
                "roles": ["RecruiterOrIntermediary"],
            }
        ],
    ),
    (
        "mk-safe-harbour",
        1,
        {
            "registered_on": date(2026, 2, 10),
            "age_at_exploitation": 16,
            "age_at_identification": 17,
            "country_of_exploitation": "MK",
            "forms_of_exploitation": ["ForcedBegging", "CriminalActivities"],
            "means_of_control": ["PhysicalThreats", "TakesEarnings"],
            "recruiter_relationships": ["FamilyMember"],
        },
        {"status": "PossibleVictim", "decision_org_type": "NGO", "decided_on": date(2026, 2, 10)},
        [{"event_type": "Transit", "country": "RS", "occurred_on": date(2025, 12, 1)}],
        [],
    ),
    (
        "mk-safe-harbour",
        2,
        {
            "registered_on": date(2026, 5, 5),
            "age_at_recruitment": 36,
            "age_at_identification": 38,
            "country_of_exploitation": "MK",
            "forms_of_exploitation": ["ForcedLabour"],
            "labour_sector": "F",
            "means_of_control": ["FalsePromises", "ExcessiveWorkingHours", "WithholdsDocuments"],
            "recruitment_methods": ["ThroughAnOnlineAdvertisement"],
            "recruiter_relationships": ["RecruitmentAgentOrBroker"],
        },
        {"status": "PossibleVictim", "decision_org_type": "NGO", "decided_on": date(2026, 5, 5)},
        [],
        [
            {"sex": "male", "age_group": "39--47", "relationship": "Employer", "roles": ["Exploiter"]},
            {"sex": "female", "relationship": "RecruitmentAgentOrBroker", "roles": ["BrokerTravelAgent"]},
        ],
    ),
    (
        "al-shelter",
        0,
        {
            "registered_on": date(2025, 9, 9),
            "age_at_recruitment": 17,
            "age_at_exploitation": 17,
            "age_at_identification": 18,
            "country_of_exploitation": "AL",
            "forms_of_exploitation": ["ForcedMarriage"],
            "means_of_control": ["ThreatensChildrenFamily", "RestrictsFinancialAccess"],
            "recruiter_relationships": ["FamilyMember"],
        },
        {
            "status": "ActualVictim",
            "decision_org_type": "NonPoliceGovernmentalOrganization",
            "decided_on": date(2025, 10, 1),
        },
        [],
        [],
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
    created["victim cases"] = _load_cases(orgs)
    created["proceedings"] = _load_justice(orgs)
    created["population figures"] = _load_population()
    return created


def _load_population() -> int:
    """Census totals for North Macedonia and Albania (sources in the file), for SDG 16.2.2 rates."""
    from pathlib import Path

    from pharos.statistics.actions import population_upload
    from pharos.statistics.models import PopulationEstimate

    if PopulationEstimate.objects.exists():
        return 0
    path = Path(__file__).resolve().parents[1] / "statistics" / "data" / "demo_population.csv"
    return population_upload(actor=None, text=path.read_text(encoding="utf-8"))


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


def _load_cases(orgs: dict[str, Organisation]) -> int:
    from pharos.cases import actions
    from pharos.cases.models import VictimCase
    from pharos.persons.models import Person

    count = 0
    seen: dict[str, int] = {}
    for org_code, position, facts, decision, events, accounts in CASES:
        org = orgs[org_code]
        seen[org_code] = seen.get(org_code, 0) + 1
        cases = VictimCase.objects.unscoped("demo data is idempotent").filter(organisation=org)
        persons = list(
            Person.objects.unscoped("demo data is idempotent").filter(organisation=org).order_by("id")
        )
        if cases.count() >= seen[org_code] or position >= len(persons):
            continue
        author = Membership.objects.filter(organisation=org).select_related("user").first()
        actor = author.user if author else None
        case = actions.case_register(
            actor=actor,
            organisation=org,
            person=persons[position],
            facts={"identified_by": org, **facts},
            decision={"decision_org": org if decision["decision_org_type"] == "NGO" else None, **decision},
        )
        for values in events:
            actions.event_add(actor=actor, case=case, values=values)
        for values in accounts:
            actions.perpetrator_account_add(actor=actor, case=case, values=values)
        count += 1
    return count


def _load_justice(orgs: dict[str, Organisation]) -> int:
    """One invented investigation by the demo police, so the criminal-justice pages have data."""
    from pharos.cases import actions
    from pharos.cases.models import Proceeding

    police = orgs["mk-police"]
    if Proceeding.objects.unscoped("demo data is idempotent").filter(organisation=police).exists():
        return 0
    officer = Membership.objects.filter(organisation=police).select_related("user").first()
    actor = officer.user if officer else None
    suspects = [
        actions.suspect_register(
            actor=actor,
            organisation=police,
            values={
                "first_name": "Demo",
                "second_name": "Suspect-One",
                "sex": "male",
                "age": 41,
                "citizenships": ["MK"],
                "roles": ["RecruiterOrIntermediary", "Exploiter"],
            },
        ),
        actions.suspect_register(
            actor=actor,
            organisation=police,
            values={
                "first_name": "Demo",
                "second_name": "Suspect-Two",
                "sex": "female",
                "age": 35,
                "citizenships": ["AL"],
                "roles": ["Transporter"],
            },
        ),
    ]
    actions.proceeding_record(
        actor=actor,
        organisation=police,
        values={
            "offence": "Art. 418-a Criminal Code (demo)",
            "stage": "prosecution",
            "forms_of_exploitation": ["SexualExploitation"],
            "investigation_opened_on": date(2025, 12, 1),
            "prosecution_started_on": date(2026, 4, 15),
            "currency": "MKD",
            "assets_confiscated": "120000",
        },
        suspects=suspects,
    )
    return 1


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
