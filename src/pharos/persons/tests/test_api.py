"""The persons API: the same rules, scope and audit as the pages."""

from __future__ import annotations

import json

import pytest

from pharos import testing
from pharos.accounts.actions import token_create
from pharos.audit.models import AuditEvent
from pharos.persons.actions import person_register
from pharos.persons.models import Person

pytestmark = pytest.mark.django_db


def send(client, method: str, url: str, body: dict | None = None):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def person(cast) -> Person:
    return person_register(
        actor=cast.owner,
        organisation=cast.org_a,
        first_name="Quokkarina",
        second_name="Zyxwaldovska",
        aliases=["Q"],
    )


def test_create_read_change_and_history(cast, client_for) -> None:
    client = client_for(cast.owner)
    created = send(
        client,
        "post",
        "/api/persons",
        {"first_name": "Ana", "second_name": "Petrovska", "birth_date": "1999-04-12", "citizenships": ["mk"]},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["reference"].startswith("MK-ORG-A-")
    assert body["gender"] == "NonSpecifiedUnknown"
    assert body["citizenships"] == ["MK"]
    url = f"/api/persons/{body['public_id']}"

    got = client.get(url)
    assert got.status_code == 200
    assert got.json()["birth_date"] == "1999-04-12"
    assert AuditEvent.objects.filter(action="persons.person.viewed", target_id=body["public_id"]).count() == 1

    patched = send(client, "patch", url, {"second_name": "Petrovski", "contact": None})
    assert patched.status_code == 200, patched.content
    assert patched.json()["second_name"] == "Petrovski"
    assert patched.json()["first_name"] == "Ana"
    changed = AuditEvent.objects.get(action="persons.person.changed", target_id=body["public_id"])
    assert changed.data["changed"] == ["second_name"]

    history = client.get(f"{url}/history").json()
    actions = [item["action"] for item in history["items"]]
    # Looking at the history is itself the newest event.
    assert actions == [
        "persons.person.history_viewed",
        "persons.person.changed",
        "persons.person.viewed",
        "persons.person.created",
    ]
    assert history["count"] == 4
    assert AuditEvent.objects.filter(action="persons.person.history_viewed").count() == 1


def test_list_search_and_listing_audit(cast, client_for, person) -> None:
    person_register(actor=cast.owner, organisation=cast.org_a, aliases=["Other"])
    client = client_for(cast.owner)
    everything = client.get("/api/persons").json()
    assert everything["count"] == 2
    assert len(everything["items"]) == 2
    found = client.get("/api/persons", {"q": "zyxwaldovska  QUOKKARINA"}).json()
    assert [item["reference"] for item in found["items"]] == [person.reference]
    assert "narrative" not in found["items"][0]
    assert AuditEvent.objects.filter(action="persons.person.listed").count() == 3
    page = client.get("/api/persons", {"limit": 1, "offset": 1}).json()
    assert page["count"] == 2
    assert len(page["items"]) == 1


def test_token_client_gets_the_same(cast, person) -> None:
    from django.test import Client

    _token, raw = token_create(
        actor=cast.owner, user=cast.owner, membership=cast.owner.memberships.get(), name="t"
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(f"/api/persons/{person.public_id}").json()["first_name"] == "Quokkarina"


def test_outsider_gets_404_problems_and_never_sees_the_person(cast, client_for, person) -> None:
    client = client_for(cast.outsider)
    url = f"/api/persons/{person.public_id}"
    for response in (
        client.get(url),
        send(client, "patch", url, {"first_name": "X"}),
        client.get(f"{url}/history"),
    ):
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/problem+json")
    assert client.get("/api/persons").json()["count"] == 0
    assert client.get("/api/persons", {"q": "Quokkarina Zyxwaldovska"}).json()["items"] == []
    person.refresh_from_db()
    assert person.first_name == "Quokkarina"
    assert not AuditEvent.objects.filter(action="persons.person.viewed").exists()


def test_member_without_persons_view_gets_403() -> None:
    from django.test import Client

    cast = testing.cast(member_role="statistician")
    person = person_register(actor=cast.owner, organisation=cast.org_a, aliases=["Q"])
    client = Client()
    client.force_login(cast.member)
    for response in (
        client.get("/api/persons"),
        client.get(f"/api/persons/{person.public_id}"),
        send(client, "post", "/api/persons", {"aliases": ["X"]}),
    ):
        assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"aliases": ["A"], "birth_date": "2999-01-01"}, "birth_date", "cannot be in the future"),
        ({"aliases": ["A"], "citizenships": ["ZZ"]}, "citizenships", "Select a valid choice"),
        ({"aliases": ["A"], "gender": "Robot"}, "gender", "Select a valid choice"),
        ({"contact": "+389"}, None, "at least a first name, a family name or an alias"),
        ({"first_name": "x" * 201}, "first_name", "at most 200 characters"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(cast, client_for, body, field, message) -> None:
    response = send(client_for(cast.owner), "post", "/api/persons", body)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    errors = response.json()["errors"]
    assert any(
        e["loc"] == (["body", field] if field else ["body"]) and message in e["msg"] for e in errors
    ), errors
    assert not Person.objects.unscoped("test").exists()


def test_bad_patch_changes_nothing(cast, client_for, person) -> None:
    url = f"/api/persons/{person.public_id}"
    response = send(
        client_for(cast.owner), "patch", url, {"first_name": None, "second_name": None, "aliases": []}
    )
    assert response.status_code == 422
    person.refresh_from_db()
    assert person.first_name == "Quokkarina"
    assert not AuditEvent.objects.filter(action="persons.person.changed").exists()


def test_an_erased_person_cannot_be_patched(cast, client_for, person) -> None:
    from pharos.persons.actions import person_erase

    person_erase(actor=None, person=person)
    response = send(
        client_for(cast.owner), "patch", f"/api/persons/{person.public_id}", {"first_name": "New"}
    )
    assert response.status_code == 409
    got = client_for(cast.owner).get(f"/api/persons/{person.public_id}").json()
    assert got["erased"] is True
    assert got["first_name"] is None
    assert got["gender"] == person.gender
