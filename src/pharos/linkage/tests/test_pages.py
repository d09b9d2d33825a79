"""The linkage pages: review queue (who sees personal data), deciding, "also known to", runs."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pharos import testing
from pharos.audit.models import AuditEvent
from pharos.linkage.models import CandidatePair, ClusterMember, LinkageRun, PairDecision, PairState
from pharos.persons.models import Person

pytestmark = pytest.mark.django_db


def _person(org: Any, reference: str, first: str, second: str, born: str = "1990-03-11") -> Person:
    return Person.objects.bulk_create(
        [
            Person(
                organisation=org,
                reference=reference,
                first_name=first,
                second_name=second,
                birth_date=datetime.date.fromisoformat(born),
                gender="Feminine",
                citizenships=["UA"],
            )
        ]
    )[0]


class World:
    """Police and a shelter in one country; one run that linked and doubted some of their persons."""

    def __init__(self) -> None:
        self.police = testing.organisation("police-mk", country_code="MK", name="Police MK")
        self.shelter = testing.organisation("shelter-mk", country_code="MK", name="Shelter MK")
        self.coordinator = testing.member(
            self.police, "national_coordinator", email="coord@police.example.org"
        )
        self.worker = testing.member(self.shelter, "case_worker", email="worker@shelter.example.org")
        self.statistician = testing.member(self.police, "statistician", email="stats@police.example.org")
        self.p1 = _person(self.police, "MK-POL-2026-00001", "Iuliia", "Shevchenko")
        self.p2 = _person(self.police, "MK-POL-2026-00002", "Yuliya", "Shevchenko", "1990-11-03")
        self.s1 = _person(self.shelter, "MK-SHE-2026-00001", "Julija", "Schewtschenko")
        self.run = LinkageRun.objects.unscoped("test").create(
            organisation=self.police,
            scope="country",
            country=self.police.country,
            records=3,
            clusters=2,
            merged=1,
            review_pairs=2,
            completed_at=timezone.now(),
        )
        key = min(str(self.p1.public_id), str(self.s1.public_id))
        ClusterMember.objects.bulk_create(
            [
                ClusterMember(run=self.run, person=self.p1, cluster_key=key, probability=0.97),
                ClusterMember(run=self.run, person=self.s1, cluster_key=key, probability=0.97),
            ]
        )
        self.inside = CandidatePair.objects.create(
            run=self.run, person_a=self.p1, person_b=self.p2, probability=0.71
        )
        self.across = CandidatePair.objects.create(
            run=self.run, person_a=self.p1, person_b=self.s1, probability=0.64
        )


@pytest.fixture
def world() -> World:
    return World()


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_review_queue_shows_personal_data_only_for_pairs_the_user_may_see(world: World) -> None:
    response = _client(world.coordinator).get(reverse("linkage:review"))
    assert response.status_code == 200
    page = response.content.decode()
    # Both records of the police pair are the coordinator's: side by side.
    assert "Yuliya" in page
    assert world.p2.reference in page
    # The shelter's record is not: its organisation only, no name, no reference.
    assert "Julija" not in page
    assert world.s1.reference not in page
    assert "A record of Police MK and a record of Shelter MK." in page
    viewed = AuditEvent.objects.filter(action="linkage.pair.viewed")
    assert [e.target_id for e in viewed] == [str(world.inside.public_id)]


def test_the_filter_narrows_to_pairs_whose_records_the_user_may_see(world: World) -> None:
    client = _client(world.coordinator)
    page = client.get(reverse("linkage:review"), {"state": "pending", "seen": "on"}, HTTP_HX_REQUEST="true")
    text = page.content.decode()
    assert "<html" not in text  # the htmx fragment only
    assert f"pair-{world.inside.public_id}" in text
    assert f"pair-{world.across.public_id}" not in text


def test_confirming_a_pair_records_a_standing_decision(world: World) -> None:
    client = _client(world.coordinator)
    response = client.post(
        reverse("linkage:pair_decide", kwargs={"public_id": world.across.public_id}),
        {"verdict": "confirm"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "The next run respects this decision." in response.content.decode()
    world.across.refresh_from_db()
    assert world.across.state == PairState.CONFIRMED
    decision = PairDecision.objects.get()
    assert (decision.person_a_id, decision.person_b_id, decision.verdict) == (
        world.p1.pk,
        world.s1.pk,
        "confirm",
    )
    event = AuditEvent.objects.get(action="linkage.pair.confirmed")
    assert "Julija" not in str(event.data)
    # Decided pairs leave the pending queue.
    pending = client.get(reverse("linkage:review")).content.decode()
    assert f"pair-{world.across.public_id}" not in pending


def test_a_case_worker_cannot_review(world: World) -> None:
    assert _client(world.worker).get(reverse("linkage:review")).status_code == 403
    response = _client(world.worker).post(
        reverse("linkage:pair_decide", kwargs={"public_id": world.inside.public_id}), {"verdict": "reject"}
    )
    assert response.status_code == 403
    assert not PairDecision.objects.exists()


def test_also_known_to_names_only_the_other_organisation(world: World) -> None:
    page = _client(world.worker).get(reverse("persons:detail", kwargs={"public_id": world.s1.public_id}))
    text = page.content.decode()
    assert "Also known to Police MK" in text
    assert world.p1.reference not in text
    assert "Iuliia" not in text
    assert str(world.p1.public_id) not in text
    # The unlinked police record shows nothing of the kind.
    coordinator_page = _client(world.coordinator).get(
        reverse("persons:detail", kwargs={"public_id": world.p2.public_id})
    )
    assert "Also known" not in coordinator_page.content.decode()


def test_also_known_to_links_records_the_user_may_open(world: World) -> None:
    third = _person(world.police, "MK-POL-2026-00003", "Ioulia", "Chevtchenko")
    ClusterMember.objects.create(
        run=world.run,
        person=third,
        cluster_key=ClusterMember.objects.filter(run=world.run).first().cluster_key,
        probability=0.95,
    )  # type: ignore[union-attr]
    page = _client(world.coordinator).get(reverse("persons:detail", kwargs={"public_id": world.p1.public_id}))
    text = page.content.decode()
    assert reverse("persons:detail", kwargs={"public_id": third.public_id}) in text
    assert "Also known to Shelter MK" in text
    assert "Julija" not in text


def test_the_run_page_states_how_many_records_were_merged(world: World) -> None:
    page = _client(world.statistician).get(
        reverse("linkage:run_detail", kwargs={"public_id": world.run.public_id})
    )
    assert page.status_code == 200
    assert "3 records stand for 2 persons: 1 records were merged" in page.content.decode()
    other = testing.member(testing.organisation(country_code="AL"), "national_coordinator")
    assert (
        _client(other)
        .get(reverse("linkage:run_detail", kwargs={"public_id": world.run.public_id}))
        .status_code
        == 404
    )


def test_starting_a_run_from_the_page(world: World, django_capture_on_commit_callbacks: Any) -> None:
    page = _client(world.coordinator).get(reverse("linkage:runs")).content.decode()
    assert "Start the run" in page
    assert 'value="0.6"' in page  # the instance's default threshold (PHAROS_LINKAGE_THRESHOLD)
    assert "Start the run" not in _client(world.statistician).get(reverse("linkage:runs")).content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = _client(world.coordinator).post(
            reverse("linkage:run_start"), {"scope": "organisation", "threshold": "0.9", "review_low": "0.5"}
        )
    run = LinkageRun.objects.unscoped("test").exclude(pk=world.run.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("linkage:run_detail", kwargs={"public_id": run.public_id})
    assert run.parameters == {"threshold": 0.9, "review_low": 0.5}
    assert run.job is not None
    assert run.job.kind == "linkage.dedup"
    assert AuditEvent.objects.filter(action="linkage.run.started").count() == 1


def test_a_case_page_says_also_known_to(world: World) -> None:
    from pharos.cases import actions as case_actions
    from pharos.tenancy import access

    testing.codelists()
    access.set_acting(world.worker, world.worker.memberships.select_related("organisation__country").get())
    case = case_actions.case_register(
        actor=world.worker,
        organisation=world.shelter,
        person=world.s1,
        facts={"registered_on": datetime.date(2025, 1, 1)},
        decision={
            "status": "PossibleVictim",
            "decision_org_type": "NGO",
            "decided_on": datetime.date(2025, 1, 1),
        },
    )
    page = _client(world.worker).get(reverse("cases:detail", kwargs={"public_id": case.public_id}))
    text = page.content.decode()
    assert "Also known to Police MK" in text
    assert world.p1.reference not in text


def test_a_newer_run_supersedes_the_pairs_of_the_older_one(world: World) -> None:
    LinkageRun.objects.unscoped("test").create(
        organisation=world.police,
        scope="country",
        country=world.police.country,
        completed_at=timezone.now() + datetime.timedelta(minutes=1),
    )
    page = _client(world.coordinator).get(reverse("linkage:review")).content.decode()
    assert f"pair-{world.inside.public_id}" not in page
    assert "No pair to show." in page
