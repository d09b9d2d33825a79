"""Roles are named bundles of capabilities, granted to a user through a Membership.

Kept in code, not in the database: a role's meaning is part of the security design and
changes go through review like any code. Personal-data capabilities are only in roles
whose work needs them (a statistician or trainer never sees a name).
"""

from dataclasses import dataclass
from typing import Final

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pharos.tenancy import capabilities


class Role(models.TextChoices):
    NATIONAL_COORDINATOR = "national_coordinator", _("National coordinator")
    CASE_WORKER = "case_worker", _("Case worker")
    SUPERVISOR = "supervisor", _("Case work supervisor")
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement officer")
    PROSECUTOR_JUDGE = "prosecutor_judge", _("Prosecutor or judge")
    STATISTICIAN = "statistician", _("Statistician")
    TRAINER = "trainer", _("Trainer")
    EDITOR = "editor", _("Editor")
    AUDITOR = "auditor", _("Auditor")
    SYSTEM_ADMINISTRATOR = "system_administrator", _("System administrator")


_EVERYONE: Final = {"tenancy.directory"}
_CASE_WORK: Final = {"persons.view", "persons.create", "persons.change", "persons.history", "jobs.view"}
_VICTIM_CASES: Final = {
    "cases.view",
    "cases.create",
    "cases.change",
    "cases.history",
    "imports.run",
    "exports.run",
}
_JUSTICE: Final = {"justice.view", "justice.change", "justice.history"}
# Record linkage reaches every organisation's persons of a country: coordinator level only.
_LINKAGE: Final = {"linkage.view", "linkage.run", "linkage.review", "linkage.projects"}
# The case worker's day (pharos.casework): anyone who works cases takes them on and asks to
# close them; only a supervisor moves a case between workers, approves closure and reopens.
_CASE_HOLDER: Final = {"cases.assign", "cases.close"}
_SUPERVISION: Final = {
    "cases.transfer",
    "cases.approve_closure",
    "cases.reopen",
    "cases.export_person",
}
# The five stages of the referral pathway (pharos.assistance) and the ILO–EC screening
# (pharos.screening): whoever works cases records them; coordinators and prosecutors read them.
_ASSISTANCE: Final = {"screening.run", "assistance.view", "assistance.manage"}
# Consent and referrals between organisations (pharos.referrals): whoever works cases; acting
# without consent (risk to life) and break-the-glass only for supervisors and the police.
_REFERRALS: Final = {
    "consent.view",
    "consent.record",
    "referrals.view",
    "referrals.send",
    "referrals.receive",
    "referrals.contact",
}
_EMERGENCY: Final = {"consent.override", "cases.break_glass"}
# Research datasets (pharos.research): synthetic CTDC data, no one's case; analysts load them.
_RESEARCH: Final = {"research.view", "research.manage"}

GRANTS: Final[dict[str, frozenset[str]]] = {
    Role.NATIONAL_COORDINATOR: frozenset(
        _EVERYONE
        | {"persons.view", "persons.erase", "tenancy.members", "jobs.view", "cases.view", "cases.retention"}
        | {"releases.view", "releases.review", "releases.publish"}
        | _LINKAGE
        | {"assistance.view", "assistance.rules"}
        | {"stats.view", "stats.population"}
        | _RESEARCH
    ),
    Role.CASE_WORKER: frozenset(
        _EVERYONE | _CASE_WORK | _VICTIM_CASES | _CASE_HOLDER | _ASSISTANCE | _REFERRALS
    ),
    Role.SUPERVISOR: frozenset(
        _EVERYONE
        | _CASE_WORK
        | _VICTIM_CASES
        | _CASE_HOLDER
        | _SUPERVISION
        | _ASSISTANCE
        | _REFERRALS
        | _EMERGENCY
    ),
    Role.SERVICE_PROVIDER: frozenset(
        _EVERYONE | _CASE_WORK | _VICTIM_CASES | _CASE_HOLDER | _ASSISTANCE | _REFERRALS
    ),
    Role.LAW_ENFORCEMENT: frozenset(
        _EVERYONE
        | _CASE_WORK
        | _VICTIM_CASES
        | _JUSTICE
        | _CASE_HOLDER
        | _ASSISTANCE
        | {"stats.view"}
        | _REFERRALS
        | _EMERGENCY
    ),
    Role.PROSECUTOR_JUDGE: frozenset(
        _EVERYONE | {"persons.view", "cases.view", "assistance.view"} | _JUSTICE
    ),
    Role.STATISTICIAN: frozenset(
        _EVERYONE | {"jobs.view", "linkage.view", "stats.view", "releases.view", "releases.build"} | _RESEARCH
    ),
    Role.TRAINER: frozenset(_EVERYONE | {"research.view"}),
    Role.EDITOR: frozenset(_EVERYONE),
    Role.AUDITOR: frozenset(
        _EVERYONE
        | {"audit.view", "audit.verify", "persons.history", "cases.history", "justice.history", "jobs.view"}
    ),
    Role.SYSTEM_ADMINISTRATOR: frozenset(
        _EVERYONE | {"tenancy.members", "audit.verify", "system.keys", "jobs.view", "cases.retention"}
    ),
}


@dataclass(frozen=True)
class RoleInfo:
    code: str
    label: Promise
    capabilities: frozenset[str]

    @property
    def needs_two_factor(self) -> bool:
        return any(capabilities.get(c).personal for c in self.capabilities)


def info(code: str) -> RoleInfo:
    role = Role(code)
    return RoleInfo(code=role.value, label=role.label, capabilities=GRANTS[role])


def _check() -> None:
    for role in Role:
        for name in GRANTS[role]:
            capabilities.get(name)


_check()
