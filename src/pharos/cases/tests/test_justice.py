"""Criminal-justice records: suspects, proceedings and outcomes, for police and prosecutors only."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.urls import reverse

from pharos import testing
from pharos.audit.models import AuditEvent
from pharos.cases import actions
from pharos.cases.models import Defendant, Proceeding, Suspect
from pharos.persons.actions import person_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def police(cast):
    testing.codelists()
    return testing.member(cast.org_a, "law_enforcement", email="police@a.example.org")


@pytest.fixture
def police_b(cast):
    return testing.member(cast.org_b, "law_enforcement", email="police@b.example.org")


def register_suspect(actor, org, **values) -> Suspect:
    return actions.suspect_register(
        actor=actor, organisation=org, values={"sex": "male", "first_name": "Zyxwald", **values}
    )


def test_police_register_a_suspect_record_a_proceeding_and_an_outcome(cast, police, client_for) -> None:
    person = person_register(actor=police, organisation=cast.org_a, aliases=["V"])
    case = actions.case_register(
        actor=police,
        organisation=cast.org_a,
        person=person,
        facts={"registered_on": datetime.date(2025, 1, 1)},
        decision={
            "status": "ActualVictim",
            "decision_org_type": "Police",
            "decided_on": datetime.date(2025, 1, 2),
        },
    )
    client = client_for(police)

    response = client.post(
        reverse("justice:suspect_create"),
        {
            "first_name": "Zyxwald",
            "second_name": "Quokkavich",
            "identity_number": "X-12345",
            "sex": "male",
            "age": "41",
            "citizenships": ["MK"],
            "roles": ["RecruiterOrIntermediary"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    suspect = Suspect.objects.unscoped("test").get()
    assert suspect.age == 41
    with connection.cursor() as cursor:
        cursor.execute("SELECT first_name, identity_number FROM cases_suspect")
        assert "Zyxwald" not in str(cursor.fetchall())
    assert "Zyxwald" not in str(AuditEvent.objects.get(action="cases.suspect.registered").data)

    response = client.post(
        reverse("justice:proceeding_create"),
        {
            "offence": "Art. 418-a CC",
            "stage": "trial",
            "forms_of_exploitation": ["SexualExploitation"],
            "investigation_opened_on": "2025-01-10",
            "prosecution_started_on": "2025-03-01",
            "trial_started_on": "2025-06-01",
            "currency": "mkd",
            "assets_confiscated": "150000",
            "suspects": suspect.reference,
            "cases": case.reference.lower(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    proceeding = Proceeding.objects.unscoped("test").get()
    assert proceeding.currency == "MKD"
    defendant = Defendant.objects.unscoped("test").get()
    page = client.get(reverse("justice:proceeding_detail", args=[proceeding.public_id])).content.decode()
    assert suspect.reference in page
    assert case.reference in page

    response = client.post(
        reverse("justice:defendant_outcome", args=[proceeding.public_id, defendant.public_id]),
        {"outcome": "convicted", "decided_on": "2025-09-01", "sentence_months": "48", "final": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    defendant.refresh_from_db()
    assert (defendant.outcome, defendant.sentence_months, defendant.final) == ("convicted", 48, True)
    assert AuditEvent.objects.filter(action="cases.defendant.outcome_recorded").count() == 2
    # The victim case shows the proceeding to a reader who may see criminal-justice records.
    detail = client.get(reverse("cases:detail", args=[case.public_id])).content.decode()
    assert proceeding.reference in detail


def test_a_proceeding_only_moves_forward_and_a_verdict_needs_a_trial(cast, police, client_for) -> None:
    suspect = register_suspect(police, cast.org_a)
    proceeding = actions.proceeding_record(
        actor=police, organisation=cast.org_a, values={"stage": "prosecution"}, suspects=[suspect]
    )
    defendant = Defendant.objects.unscoped("test").get()
    client = client_for(police)
    response = client.post(
        reverse("justice:defendant_outcome", args=[proceeding.public_id, defendant.public_id]),
        {"outcome": "convicted", "decided_on": "2025-09-01"},
    )
    assert response.status_code == 200
    assert "needs the proceeding to have reached trial" in response.content.decode()

    response = client.post(
        reverse("justice:proceeding_edit", args=[proceeding.public_id]),
        {"stage": "investigation", "suspects": suspect.reference},
    )
    assert response.status_code == 200
    assert "cannot go back" in response.content.decode()
    response = client.post(
        reverse("justice:proceeding_edit", args=[proceeding.public_id]),
        {"stage": "closed", "suspects": suspect.reference},
    )
    assert "Give the date the proceeding was closed" in response.content.decode()
    response = client.post(
        reverse("justice:proceeding_edit", args=[proceeding.public_id]),
        {
            "stage": "trial",
            "suspects": "",
            "prosecution_started_on": "2025-05-01",
            "trial_started_on": "2025-04-01",
        },
    )
    assert "cannot be before" in response.content.decode()


def test_criminal_justice_is_kept_from_case_workers_and_other_organisations(
    cast, police, police_b, client_for
) -> None:
    suspect = register_suspect(police, cast.org_a)
    proceeding = actions.proceeding_record(
        actor=police, organisation=cast.org_a, values={}, suspects=[suspect]
    )
    urls = [
        reverse("justice:suspect_detail", args=[suspect.public_id]),
        reverse("justice:suspect_edit", args=[suspect.public_id]),
        reverse("justice:suspect_history", args=[suspect.public_id]),
        reverse("justice:proceeding_detail", args=[proceeding.public_id]),
        reverse("justice:proceeding_edit", args=[proceeding.public_id]),
        reverse("justice:proceeding_history", args=[proceeding.public_id]),
    ]
    for url in urls:
        assert client_for(police).get(url).status_code == 200, url
        assert client_for(police_b).get(url).status_code == 404, url
        assert client_for(cast.owner).get(url).status_code == 403, url  # an NGO case worker
    assert suspect.reference not in client_for(police_b).get(reverse("justice:suspect_list")).content.decode()
    # Linking a suspect of another organisation is refused, by reference as by id.
    other = register_suspect(police_b, cast.org_b)
    response = client_for(police).post(
        reverse("justice:proceeding_create"), {"stage": "investigation", "suspects": other.reference}
    )
    assert "No suspect of your organisation has the reference" in response.content.decode()


def test_the_justice_api_twins_the_pages(cast, police, police_b, client_for) -> None:
    client = client_for(police)
    created = client.post(
        "/api/suspects",
        json.dumps({"sex": "femal", "citizenships": ["MK"], "age": 35}),
        content_type="application/json",
    )
    assert created.status_code == 422
    assert created.json()["errors"][0]["suggestions"] == ["female"]
    created = client.post(
        "/api/suspects", json.dumps({"sex": "female", "age": 35}), content_type="application/json"
    )
    assert created.status_code == 201, created.content
    reference = created.json()["reference"]
    proceeding = client.post(
        "/api/proceedings",
        json.dumps({"suspects": [reference], "offence": "Art. 418-a", "stage": "trial"}),
        content_type="application/json",
    )
    assert proceeding.status_code == 201, proceeding.content
    body = proceeding.json()
    url = f"/api/proceedings/{body['public_id']}"
    defendant = body["defendants"][0]["public_id"]
    outcome = client.patch(
        f"{url}/defendants/{defendant}",
        json.dumps({"outcome": "acquitted", "decided_on": "2025-10-01"}),
        content_type="application/json",
    )
    assert outcome.status_code == 200, outcome.content
    assert outcome.json()["outcome"] == "acquitted"
    patched = client.patch(url, json.dumps({"stage": "investigation"}), content_type="application/json")
    assert patched.status_code == 422
    assert client_for(police_b).get(url).status_code == 404
    assert client_for(cast.owner).get(url).status_code == 403
