"""The referral world: organisation A's case worker refers a case to organisation B (a shelter)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from pharos import testing
from pharos.cases import actions as case_actions
from pharos.persons.actions import person_register
from pharos.referrals import actions
from pharos.tenancy.access import resolve_acting, set_acting

SECRET_PLACE = "Behind the Quokkaville bus station"
FIRST_NAME = "Quokkarina"


@dataclass
class World:
    cast: testing.Cast
    case: Any
    person: Any
    supervisor: Any  # of A: may override consent and break the glass
    stranger: Any  # a case worker of organisation C, party to nothing
    org_c: Any


def acting(user: Any) -> Any:
    """The user acting for their (only) organisation, as the middleware sets it on a request."""
    set_acting(user, resolve_acting(user, None))
    return user


@pytest.fixture
def world(cast: testing.Cast) -> World:
    testing.codelists()
    for user in (cast.owner, cast.member, cast.outsider):
        acting(user)
    person = person_register(
        actor=cast.owner,
        organisation=cast.org_a,
        first_name=FIRST_NAME,
        second_name="Zed",
        birth_date=datetime.date(1990, 5, 4),
    )
    case = case_actions.case_register(
        actor=cast.owner,
        organisation=cast.org_a,
        person=person,
        facts={"registered_on": datetime.date(2025, 3, 1), "forms_of_exploitation": ["ForcedLabour"]},
        decision={
            "status": "PossibleVictim",
            "decision_org_type": "NGO",
            "decided_on": datetime.date(2025, 3, 1),
        },
    )
    case_actions.event_add(
        actor=cast.owner, case=case, values={"event_type": "Exploitation", "place": SECRET_PLACE}
    )
    org_c = testing.organisation("org-c", country_code="MK", name="Organisation C")
    return World(
        cast=cast,
        case=case,
        person=person,
        supervisor=acting(testing.member(cast.org_a, "supervisor", email="supervisor@a.example.org")),
        stranger=acting(testing.member(org_c, "case_worker", email="stranger@c.example.org")),
        org_c=org_c,
    )


def consent_to_refer(world: World, recipient: Any = None) -> None:
    """The person consents to the referral and to sharing with ``recipient`` (B by default)."""
    today = datetime.date(2025, 3, 2)
    actions.consent_record(
        actor=world.cast.owner, case=world.case, purpose="referral", given=True, stated_on=today
    )
    actions.consent_record(
        actor=world.cast.owner,
        case=world.case,
        purpose="sharing",
        given=True,
        stated_on=today,
        recipient=recipient or world.cast.org_b,
    )


def draft(world: World, sections: tuple[str, ...] = ("identity",), **extra: Any) -> Any:
    return actions.referral_create(
        actor=world.cast.owner,
        case=world.case,
        recipient=extra.pop("recipient", world.cast.org_b),
        sections_chosen=sections,
        message="Needs a shelter bed tonight",
        **extra,
    )


def sent(world: World, sections: tuple[str, ...] = ("identity",), **extra: Any) -> Any:
    consent_to_refer(world)
    return actions.referral_send(actor=world.cast.owner, referral=draft(world, sections, **extra))
