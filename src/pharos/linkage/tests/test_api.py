"""The linkage API: the same rules as the pages (personal data only where both records may be seen)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from pharos.audit.models import AuditEvent
from pharos.linkage.models import PairDecision
from pharos.linkage.tests.test_pages import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return World()


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pairs_carry_identifiers_only_where_both_records_may_be_seen(world: World) -> None:
    body = _client(world.coordinator).get("/api/linkage/pairs").json()
    assert body["count"] == 2
    by_id = {item["public_id"]: item for item in body["items"]}
    inside, across = by_id[str(world.inside.public_id)], by_id[str(world.across.public_id)]
    assert inside["personal_data_shown"] is True
    assert {inside["first"]["first_name"], inside["second"]["first_name"]} == {"Iuliia", "Yuliya"}
    assert across["personal_data_shown"] is False
    assert across["second"] == {
        "organisation": "Shelter MK",
        "public_id": None,
        "reference": None,
        "first_name": None,
        "second_name": None,
        "birth_date": None,
        "gender": None,
        "citizenships": None,
    }
    assert AuditEvent.objects.filter(action="linkage.pair.viewed").count() == 1


def test_deciding_through_the_api(world: World) -> None:
    response = _client(world.coordinator).post(
        f"/api/linkage/pairs/{world.across.public_id}/decision",
        {"verdict": "reject"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["state"] == "rejected"
    assert PairDecision.objects.get().verdict == "reject"
    assert AuditEvent.objects.filter(action="linkage.pair.rejected").count() == 1


def test_runs_and_counts_for_a_statistician(world: World) -> None:
    client = _client(world.statistician)
    runs = client.get("/api/linkage/runs").json()
    assert [r["records_merged"] for r in runs] == [1]
    # The police's two persons: one of them is linked to the shelter, none to each other.
    assert client.get("/api/linkage/counts").json() == {"persons": 2, "records_merged": 0}
    assert client.get("/api/linkage/pairs").status_code == 403
