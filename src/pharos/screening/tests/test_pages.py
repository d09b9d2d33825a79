"""Screening pages and API: what a front-line worker sees, what is kept, who is kept out."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pharos import testing
from pharos.audit.models import AuditEvent
from pharos.cases import actions as case_actions
from pharos.persons.actions import person_register
from pharos.screening import actions
from pharos.screening.models import Screening

pytestmark = pytest.mark.django_db

ALIAS = "Quokka-from-the-port"


@pytest.fixture
def cast() -> testing.Cast:
    testing.codelists()
    return testing.cast(member_role="statistician")


def login(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def open_case(cast: testing.Cast):
    person = person_register(actor=cast.owner, organisation=cast.org_a, first_name="Q", second_name="Z")
    return case_actions.case_register(
        actor=cast.owner,
        organisation=cast.org_a,
        person=person,
        facts={"registered_on": datetime.date(2025, 3, 1)},
        decision={
            "status": "PossibleVictim",
            "decision_org_type": "NGO",
            "decided_on": datetime.date(2025, 3, 1),
        },
    )


def test_a_worker_screens_with_only_an_alias_and_sees_the_result(cast: testing.Cast) -> None:
    client = login(cast.owner)
    choose = client.get(reverse("screening:create"))
    assert "A screening aid, not a legal determination." in choose.content.decode()
    # The sexual-exploitation lists are not offered: they were not found in the publication.
    assert 'value="adult_sexual"' not in choose.content.decode()
    url = reverse("screening:create") + "?indicator_list=adult_labour"
    page = client.get(url)
    assert "Deceived about the nature of the job, location or employer (strong)" in page.content.decode()
    response = client.post(
        url,
        {
            "screened_on": timezone.localdate().isoformat(),
            "alias": ALIAS,
            "dim_deceptive_recruitment": [
                "deceptive_recruitment.nature_of_job",
                "deceptive_recruitment.wages",
            ],
            "dim_exploitative_conditions": [
                "exploitative_conditions.excessive_hours",
                "exploitative_conditions.low_salary",
            ],
            "dim_coercion_destination": ["coercion_destination.documents", "coercion_destination.violence"],
            "notes": "Met at the port",
        },
    )
    screening = Screening.objects.unscoped("test").get()
    assert response.status_code == 302
    assert response["Location"] == reverse("screening:detail", args=[screening.public_id])
    detail = client.get(response["Location"]).content.decode()
    assert "The indicators meet the combination rule" in detail
    assert "A screening aid, not a legal determination." in detail
    assert ALIAS in detail
    # Alias, notes and indicators are encrypted at rest; the audit entry names none of them.
    assert screening.overall is True
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT alias, notes, present FROM screening_screening")
        row = cursor.fetchone()
    assert ALIAS not in str(row)
    assert "port" not in str(row)
    assert "nature_of_job" not in str(row)
    event = AuditEvent.objects.get(action="screening.screening.recorded")
    assert ALIAS not in json.dumps(event.data)
    assert "port" not in json.dumps(event.data)
    assert AuditEvent.objects.filter(action="screening.screening.viewed").count() == 1


def test_an_alias_is_needed_without_a_case(cast: testing.Cast) -> None:
    url = reverse("screening:create") + "?indicator_list=adult_labour"
    response = login(cast.owner).post(url, {"screened_on": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert not Screening.objects.unscoped("test").exists()


def test_a_screening_on_a_case_is_listed_on_the_case_page(cast: testing.Cast) -> None:
    case = open_case(cast)
    client = login(cast.owner)
    url = reverse("screening:case_create", args=[case.public_id]) + "?indicator_list=child_labour"
    form = client.get(url).content.decode()
    assert 'name="alias"' not in form
    response = client.post(
        url,
        {
            "screened_on": timezone.localdate().isoformat(),
            "dim_exploitative_conditions": [
                "exploitative_conditions.excessive_hours",
                "exploitative_conditions.no_education",
            ],
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("cases:detail", args=[case.public_id])).content.decode()
    assert "Screenings on the trafficking indicators" in page
    assert "Children, labour exploitation" in page
    assert "rule met" in page


def test_an_early_screening_is_put_on_the_case_opened_since(cast: testing.Cast) -> None:
    screening = actions.screening_run(
        actor=cast.owner,
        organisation=cast.org_a,
        indicator_list="adult_labour",
        present=[],
        screened_on=datetime.date(2025, 2, 1),
        alias=ALIAS,
    )
    case = open_case(cast)
    client = login(cast.owner)
    client.post(reverse("screening:attach", args=[screening.public_id]), {"case_reference": case.reference})
    screening.refresh_from_db()
    assert screening.case_id == case.pk
    # A second attempt is refused, and an outsider's reference never resolves.
    response = client.post(
        reverse("screening:attach", args=[screening.public_id]), {"case_reference": case.reference}
    )
    assert response.status_code == 302


def test_another_organisation_cannot_see_a_screening(cast: testing.Cast) -> None:
    screening = actions.screening_run(
        actor=cast.owner,
        organisation=cast.org_a,
        indicator_list="adult_labour",
        present=[],
        screened_on=datetime.date(2025, 2, 1),
        alias=ALIAS,
    )
    outsider = login(cast.outsider)
    assert outsider.get(reverse("screening:detail", args=[screening.public_id])).status_code == 404
    assert ALIAS not in outsider.get(reverse("screening:list")).content.decode()
    assert outsider.get(f"/api/screenings/{screening.public_id}").status_code == 404


def test_the_api_applies_the_same_rule(cast: testing.Cast) -> None:
    client = login(cast.owner)
    lists = client.get("/api/screening/lists").json()
    available = {entry["key"]: entry["available"] for entry in lists["lists"]}
    assert available == {
        "adult_labour": True,
        "adult_sexual": False,
        "child_labour": True,
        "child_sexual": False,
    }
    response = client.post(
        "/api/screenings",
        json.dumps(
            {
                "indicator_list": "adult_labour",
                "screened_on": "2025-02-01",
                "alias": ALIAS,
                "present": ["exploitative_conditions.excessive_hours", "exploitative_conditions.low_salary"],
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["overall"] is False
    assert body["positive_dimensions"] == ["exploitative_conditions"]
    refused = client.post(
        "/api/screenings",
        json.dumps({"indicator_list": "adult_sexual", "screened_on": "2025-02-01", "alias": "x"}),
        content_type="application/json",
    )
    assert refused.status_code == 422


def test_erasing_the_case_blanks_the_screening(cast: testing.Cast) -> None:
    case = open_case(cast)
    screening = actions.screening_run(
        actor=cast.owner,
        organisation=cast.org_a,
        indicator_list="adult_labour",
        present=["coercion_destination.violence"],
        screened_on=datetime.date(2025, 3, 2),
        case=case,
        notes="secret",
    )
    assert actions.screenings_erase_for_case(actor=cast.owner, case=case) == 1
    screening.refresh_from_db()
    assert screening.notes is None
    assert screening.present is None
    assert screening.erased_at is not None
