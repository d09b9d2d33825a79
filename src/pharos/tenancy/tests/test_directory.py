"""The directory of organisations and an organisation's profile, as pages and as API."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pharos import testing
from pharos.tenancy.actions import reference_data_load
from pharos.tenancy.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast: testing.Cast) -> testing.Cast:
    reference_data_load()
    testing.organisation(
        "ml-ngo", country_code="ML", name="Bamako Shelter", referral_roles=["service_provider"]
    )
    testing.organisation("ng-police", country_code="NG", name="Lagos Police", org_type="LawEnforcement")
    testing.organisation("fr-ngo", country_code="FR", name="Paris Help")
    testing.organisation("closed", country_code="FR", name="Closed NGO", is_active=False)
    return cast


def names(response) -> list[str]:
    return [o.name for o in response.context["organisations"]]


def test_every_member_sees_the_directory(world: testing.Cast, client_for) -> None:
    for user in (world.owner, world.member, world.outsider):
        response = client_for(user).get("/organisations/")
        assert response.status_code == 200
        assert set(names(response)) == {
            "Organisation A",
            "Organisation B",
            "Bamako Shelter",
            "Lagos Police",
            "Paris Help",
        }


def test_filter_by_country_type_and_text(world: testing.Cast, client_for) -> None:
    client = client_for(world.owner)

    assert names(client.get("/organisations/", {"country": "FR"})) == ["Paris Help"]
    assert names(client.get("/organisations/", {"org_type": "LawEnforcement"})) == ["Lagos Police"]
    assert names(client.get("/organisations/", {"text": "bamako"})) == ["Bamako Shelter"]


def test_filter_by_region_uses_todays_membership(world: testing.Cast, client_for) -> None:
    response = client_for(world.owner).get("/organisations/", {"region": "ECOWAS"})

    # Mali left ECOWAS on 2025-01-29: its organisations are no longer listed under it.
    assert date.today() > date(2025, 1, 29)
    assert names(response) == ["Lagos Police"]
    see = names(client_for(world.owner).get("/organisations/", {"region": "SEE"}))
    assert set(see) == {"Organisation A", "Organisation B"}


def test_an_unknown_filter_value_is_an_error_not_an_empty_list(world: testing.Cast, client_for) -> None:
    response = client_for(world.owner).get("/organisations/", {"region": "ATLANTIS"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "There is a problem" in response.content.decode()


def test_the_list_costs_the_same_queries_for_many_organisations(world: testing.Cast, client_for) -> None:
    client = client_for(world.owner)
    client.get("/organisations/")
    with CaptureQueriesContext(connection) as few:
        client.get("/organisations/")
    for n in range(20):
        testing.organisation(f"extra-{n}", country_code="FR", name=f"Extra {n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/organisations/")

    assert len(response.context["organisations"]) == 25
    assert len(many) == len(few)


def test_a_profile_is_public_to_members_but_lists_members_only_to_its_own_managers(
    world: testing.Cast, client_for
) -> None:
    url = f"/organisations/{world.org_a.public_id}/"
    coordinator = testing.member(world.org_a, "national_coordinator", email="boss@a.example.org")
    other_coordinator = testing.member(world.org_b, "national_coordinator", email="boss@b.example.org")

    as_owner = client_for(world.owner).get(url)
    as_outsider = client_for(world.outsider).get(url)
    as_coordinator = client_for(coordinator).get(url)
    as_other_coordinator = client_for(other_coordinator).get(url)

    for response in (as_owner, as_outsider, as_coordinator, as_other_coordinator):
        assert response.status_code == 200
        assert "Organisation A" in response.content.decode()
    assert as_owner.context["members"] is None
    assert "member@a.example.org" not in as_owner.content.decode()
    assert as_other_coordinator.context["members"] is None
    assert "member@a.example.org" in as_coordinator.content.decode()
    assert {m.user.email for m in as_coordinator.context["members"]} == {
        "owner@a.example.org",
        "member@a.example.org",
        "boss@a.example.org",
    }


def test_an_unknown_or_closed_organisation_is_not_found(world: testing.Cast, client_for) -> None:
    from pharos.tenancy.models import Organisation

    closed = Organisation.objects.get(code="closed")
    client = client_for(world.owner)

    assert client.get(f"/organisations/{closed.public_id}/").status_code == 404
    assert client.get("/organisations/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_someone_without_a_membership_cannot_read_the_directory(world: testing.Cast, client_for) -> None:
    loner = testing.user("loner@example.org")

    assert client_for(loner).get("/organisations/").status_code == 403


# --- API ----------------------------------------------------------------------------------------
def test_api_lists_and_filters_organisations(world: testing.Cast, client_for) -> None:
    client = client_for(world.member)

    everything = client.get("/api/organisations").json()
    ecowas = client.get("/api/organisations", {"region": "ECOWAS"}).json()
    france = client.get("/api/organisations", {"country": "fr"}).json()

    assert everything["count"] == 5
    assert [o["code"] for o in ecowas["items"]] == ["ng-police"]
    assert france["items"][0] == {
        "public_id": france["items"][0]["public_id"],
        "code": "fr-ngo",
        "name": "Paris Help",
        "country": "FR",
        "country_name": "France",
        "org_type": "NGO",
        "referral_roles": [],
    }


def test_api_profile_has_members_only_for_its_managers(world: testing.Cast, client_for) -> None:
    coordinator = testing.member(world.org_a, "national_coordinator", email="boss@a.example.org")
    url = f"/api/organisations/{world.org_a.public_id}"

    public = client_for(world.outsider).get(url).json()
    managed = client_for(coordinator).get(url).json()

    assert public["members"] is None
    assert public["code"] == "org-a"
    assert {m["email"] for m in managed["members"]} == {
        "owner@a.example.org",
        "member@a.example.org",
        "boss@a.example.org",
    }
    missing = client_for(world.owner).get("/api/organisations/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"


def test_api_reference_data(world: testing.Cast, client_for) -> None:
    client = client_for(world.owner)

    countries = client.get("/api/countries").json()
    ecowas_2024 = client.get("/api/countries", {"region": "ECOWAS", "on": "2024-06-01"}).json()
    regions = {r["code"]: r for r in client.get("/api/regions").json()}

    assert len(countries) == 250
    assert next(c for c in countries if c["code"] == "XK")["footnote"]
    assert "ML" in {c["code"] for c in ecowas_2024}
    mali = next(m for m in regions["ECOWAS"]["members"] if m["country"] == "ML")
    assert mali == {"country": "ML", "valid_from": "1975-05-28", "valid_to": "2025-01-28"}
    assert Client().get("/api/regions").status_code == 401


def test_api_me_over_the_session_follows_the_switcher(world: testing.Cast, client_for) -> None:
    second = Membership.objects.create(user=world.owner, organisation=world.org_b, role="statistician")
    client = client_for(world.owner)
    assert client.get("/api/me").json()["acting"]["organisation_code"] == "org-a"

    client.post("/organisations/switch/", {"membership": str(second.public_id)})

    me = client.get("/api/me").json()
    assert me["acting"]["organisation_code"] == "org-b"
    assert me["acting"]["role"] == "statistician"
