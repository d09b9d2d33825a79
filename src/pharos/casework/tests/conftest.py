"""The cast of case work: owner (case worker) and a supervisor in A, an outsider in B, and a case."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from pharos import testing
from pharos.cases import actions as case_actions
from pharos.cases.models import VictimCase
from pharos.persons.actions import person_register

SECRET = "Quokkaville bus station, platform 3"


def open_case(actor: Any, organisation: Any, *, first_name: str = "Quokkarina", **facts: Any) -> VictimCase:
    person = person_register(actor=actor, organisation=organisation, first_name=first_name, second_name="Z")
    return case_actions.case_register(
        actor=actor,
        organisation=organisation,
        person=person,
        facts={"registered_on": datetime.date(2025, 3, 14), **facts},
        decision={
            "status": "PossibleVictim",
            "decision_org_type": "NGO",
            "decided_on": datetime.date(2025, 3, 15),
        },
    )


@pytest.fixture
def world(db: None) -> Any:
    testing.codelists()
    cast = testing.cast()
    cast.supervisor = testing.member(cast.org_a, "supervisor", email="boss@a.example.org")  # type: ignore[attr-defined]
    cast.case = open_case(cast.owner, cast.org_a, forms_of_exploitation=["ForcedLabour"])  # type: ignore[attr-defined]
    return cast
