"""The organisation switcher: a user in two organisations acts for one at a time."""

from __future__ import annotations

import pytest
from django.test import Client

from pharos import testing
from pharos.audit.models import AuditEvent
from pharos.jobs.models import Job
from pharos.tenancy import access
from pharos.tenancy.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_hats(cast: testing.Cast) -> tuple[testing.Cast, Membership, Membership]:
    """The owner also works for organisation B; each organisation has its own job."""
    in_a = cast.owner.memberships.get()
    in_b = Membership.objects.create(user=cast.owner, organisation=cast.org_b, role="case_worker")
    Job.objects.unscoped("test data").create(kind="import", organisation=cast.org_a, created_by=cast.owner)
    Job.objects.unscoped("test data").create(kind="export", organisation=cast.org_b, created_by=cast.outsider)
    return cast, in_a, in_b


def visible_jobs(client: Client) -> set[str]:
    request = client.get("/").wsgi_request
    return set(Job.objects.visible_to(request.user, "jobs.view").values_list("kind", flat=True))


def test_switching_changes_what_the_user_sees(two_hats, client_for) -> None:
    cast, in_a, in_b = two_hats
    client = client_for(cast.owner)
    assert visible_jobs(client) == {"import"}

    response = client.post("/organisations/switch/", {"membership": str(in_b.public_id)})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert visible_jobs(client) == {"export"}
    assert client.session[access.SESSION_KEY] == str(in_b.public_id)
    client.post("/organisations/switch/", {"membership": str(in_a.public_id)})
    assert visible_jobs(client) == {"import"}


def test_switching_is_audited(two_hats, client_for) -> None:
    cast, _in_a, in_b = two_hats

    client_for(cast.owner).post("/organisations/switch/", {"membership": str(in_b.public_id)})

    event = AuditEvent.objects.get(action="accounts.user.acting_changed")
    assert event.actor == cast.owner
    assert event.organisation == cast.org_b
    assert event.data == {
        "from": "org-a",
        "from_role": "case_worker",
        "to": "org-b",
        "to_role": "case_worker",
    }


def test_someone_elses_or_an_ended_membership_is_not_found(two_hats, client_for) -> None:
    cast, in_a, in_b = two_hats
    client = client_for(cast.owner)
    in_b.is_active = False
    in_b.save()

    assert client.post("/organisations/switch/", {"membership": str(in_b.public_id)}).status_code == 404
    outsiders = str(cast.outsider.memberships.get().public_id)
    assert client.post("/organisations/switch/", {"membership": outsiders}).status_code == 404
    assert client.post("/organisations/switch/", {"membership": "not-a-uuid"}).status_code == 404
    assert client.session[access.SESSION_KEY] == str(in_a.public_id)
    assert not AuditEvent.objects.filter(action="accounts.user.acting_changed").exists()


def test_next_is_followed_only_on_this_site(two_hats, client_for) -> None:
    cast, _in_a, in_b = two_hats
    client = client_for(cast.owner)
    membership = str(in_b.public_id)

    local = client.post("/organisations/switch/", {"membership": membership, "next": "/organisations/"})
    evil = client.post("/organisations/switch/", {"membership": membership, "next": "https://evil.example/"})

    assert local["Location"] == "/organisations/"
    assert evil["Location"] == "/"


def test_switching_needs_a_post_and_a_signed_in_user(two_hats, client_for) -> None:
    cast, _in_a, in_b = two_hats

    anonymous = Client().post("/organisations/switch/", {"membership": str(in_b.public_id)})

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert client_for(cast.owner).get("/organisations/switch/").status_code == 405


def test_an_ended_membership_stops_being_the_acting_one(two_hats, client_for) -> None:
    cast, _in_a, in_b = two_hats
    client = client_for(cast.owner)
    client.post("/organisations/switch/", {"membership": str(in_b.public_id)})

    Membership.objects.filter(pk=in_b.pk).update(is_active=False)

    assert visible_jobs(client) == {"import"}
