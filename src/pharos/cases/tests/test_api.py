"""The victim-case API: the same validation, scope and audit as the pages."""

from __future__ import annotations

import json

import pytest

from pharos import testing
from pharos.audit.models import AuditEvent
from pharos.cases.models import VictimCase
from pharos.persons.actions import person_register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _codes(db: None) -> None:
    testing.codelists()


def send(client, method: str, url: str, body: dict | None = None):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def new_case(person, **extra) -> dict:
    return {
        "person": person.reference,
        "status": "PossibleVictim",
        "decision_org_type": "NGO",
        "decided_on": "2025-02-01",
        "registered_on": "2025-02-01",
        "forms_of_exploitation": ["ForcedLabour", "SurrogacyExploitation"],
        **extra,
    }


def test_create_read_change_and_add_to_a_case(cast, client_for) -> None:
    person = person_register(actor=cast.owner, organisation=cast.org_a, aliases=["Q"])
    client = client_for(cast.owner)

    created = send(
        client,
        "post",
        "/api/cases",
        new_case(person, age_at_recruitment=15, means_of_control=["DebtBondage"]),
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["reference"].startswith("MK-ORG-A-VC-")
    assert body["forms_of_exploitation"] == ["ForcedLabour", "SurrogacyExploitation"]
    assert body["labels"]["forms_of_exploitation"] == [
        "Forced labour or services",
        "Exploitation of surrogacy",
    ]
    assert body["decisions"][0]["status"] == "PossibleVictim"
    url = f"/api/cases/{body['public_id']}"

    got = client.get(url)
    assert got.status_code == 200
    assert got.json()["age_at_recruitment"] == 15
    assert AuditEvent.objects.filter(action="cases.case.viewed", target_id=body["public_id"]).count() == 1

    patched = send(client, "patch", url, {"labour_sector": "A", "means_of_control": None})
    assert patched.status_code == 200, patched.content
    assert patched.json()["labour_sector"] == "A"
    assert patched.json()["means_of_control"] == []
    assert patched.json()["forms_of_exploitation"] == ["ForcedLabour", "SurrogacyExploitation"]

    decided = send(
        client,
        "post",
        f"{url}/status-decisions",
        {"status": "ActualVictim", "decision_org_type": "CourtOrProsecution", "decided_on": "2025-03-01"},
    )
    assert decided.status_code == 201, decided.content
    assert decided.json()["trafficking_status"] == "ActualVictim"
    event = send(client, "post", f"{url}/events", {"event_type": "Exploitation", "occurred_on": "2024-12-01"})
    assert event.status_code == 201, event.content
    account = send(
        client, "post", f"{url}/perpetrator-accounts", {"roles": ["Exploiter"], "paid_money": True}
    )
    assert account.status_code == 201, account.content
    case = account.json()
    assert [e["event_type"] for e in case["events"]] == ["Exploitation"]
    assert case["perpetrator_accounts"][0]["paid_money"] is True

    listed = client.get("/api/cases", {"status": "ActualVictim"}).json()
    assert [c["reference"] for c in listed["items"]] == [body["reference"]]
    assert client.get("/api/cases", {"status": "PossibleVictim"}).json()["count"] == 0


def test_a_bad_code_is_a_422_naming_the_nearest_valid_codes(cast, client_for) -> None:
    person = person_register(actor=cast.owner, organisation=cast.org_a, aliases=["Q"])
    response = send(
        client_for(cast.owner),
        "post",
        "/api/cases",
        new_case(
            person, forms_of_exploitation=["forced labour", "Surogacy", "Forced labor"], status="Actual"
        ),
    )
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    errors = {(e["loc"][-1], tuple(e["suggestions"])) for e in response.json()["errors"]}
    assert ("forms_of_exploitation", ("SurrogacyExploitation",)) in errors
    assert ("forms_of_exploitation", ("ForcedLabour",)) in errors
    assert ("status", ("ActualVictim",)) in errors
    assert not VictimCase.objects.unscoped("test").exists()


def test_a_case_needs_a_person_of_ones_own_organisation(cast, client_for) -> None:
    theirs = person_register(actor=cast.outsider, organisation=cast.org_b, aliases=["Theirs"])
    client = client_for(cast.owner)
    response = send(client, "post", "/api/cases", new_case(theirs))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "person"]
    response = send(client, "post", "/api/cases", {**new_case(theirs), "person": ""})
    assert response.status_code == 422


def test_another_organisations_case_is_404_everywhere(cast, client_for) -> None:
    person = person_register(actor=cast.owner, organisation=cast.org_a, aliases=["Q"])
    body = send(client_for(cast.owner), "post", "/api/cases", new_case(person)).json()
    url = f"/api/cases/{body['public_id']}"
    outsider = client_for(cast.outsider)
    assert outsider.get(url).status_code == 404
    assert send(outsider, "patch", url, {"labour_sector": "A"}).status_code == 404
    assert send(outsider, "post", f"{url}/events", {"event_type": "Transit"}).status_code == 404
    assert outsider.get("/api/cases").json()["count"] == 0
