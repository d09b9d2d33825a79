"""Linkage runs over the persons in the database: clusters, review pairs, decisions, counts."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

import pytest

from pharos import testing
from pharos.audit.models import AuditEvent
from pharos.jobs.models import Job, JobStatus
from pharos.linkage import actions, queries
from pharos.linkage.models import CandidatePair, ClusterMember, LinkageRun, PairState
from pharos.linkage.tests.conftest import Generated
from pharos.persons.models import Person
from pharos.tenancy import access

pytestmark = pytest.mark.django_db


class Country:
    """Two organisations of one country whose persons overlap, a coordinator and a case worker."""

    def __init__(self, generated: Generated) -> None:
        self.police = testing.organisation("police-mk", country_code="MK", name="Police MK")
        self.shelter = testing.organisation("shelter-mk", country_code="MK", name="Shelter MK")
        self.coordinator = acting(
            testing.member(self.police, "national_coordinator", email="coord@police.example.org")
        )
        self.worker = acting(testing.member(self.shelter, "case_worker", email="worker@shelter.example.org"))
        self.truth = generated.person_of()
        self.persons = _register(generated.rows(), self.police, self.shelter)
        self.record_of = {p.pk: p.reference.rsplit("-", 1)[-1] for p in self.persons}


def acting(user: Any) -> Any:
    """The user acting for their one organisation, as the middleware would set it."""
    access.set_acting(user, user.memberships.select_related("organisation__country").get())
    return user


def _register(rows: list[dict[str, str]], *orgs: Any) -> list[Person]:
    """The generated records as persons, alternating between the organisations (bulk, no audit)."""
    persons = []
    for i, row in enumerate(rows):
        birth = row["prs_Birthdate"]
        persons.append(
            Person(
                organisation=orgs[i % len(orgs)],
                reference=f"MK-T-2026-{row['record_id']}",
                first_name=row["prs_FirstName"] or None,
                second_name=row["prs_SecondName"] or None,
                birth_date=datetime.date.fromisoformat(birth) if birth else None,
                gender=row["prs_Gender"] or "NonSpecifiedUnknown",
                citizenships=[c for c in row["prs_Citizenship"].split(";") if c],
            )
        )
    return Person.objects.bulk_create(persons)


def run_now(actor: Any, captured: Any, **parameters: float) -> LinkageRun:
    with captured(execute=True):
        run = actions.run_start(actor=actor, scope="country", parameters=parameters)
    run = LinkageRun.objects.unscoped("test").select_related("job").get(pk=run.pk)
    assert run.job is not None
    assert run.job.status == JobStatus.SUCCEEDED, run.job.error
    return run


@pytest.fixture
def country(generated: Generated) -> Country:
    return Country(generated)


def test_a_run_clusters_the_persons_of_the_country(
    country: Country, django_capture_on_commit_callbacks: Any
) -> None:
    run = run_now(country.coordinator, django_capture_on_commit_callbacks)
    assert run.records == len(country.persons)
    assert 0 < run.clusters < run.records
    assert run.merged == run.records - run.clusters
    members = list(ClusterMember.objects.filter(run=run))
    by_cluster = Counter(m.cluster_key for m in members)
    assert all(n >= 2 for n in by_cluster.values())
    # Most clusters are one true person: the generator's truth says who is who.
    truth = {m.person_id: country.truth[country.record_of[m.person_id]] for m in members}
    same = Counter(
        len({truth[m.person_id] for m in members if m.cluster_key == key}) == 1 for key in by_cluster
    )
    assert same[True] > 0.8 * len(by_cluster)
    # The counts statistics uses agree with the run.
    assert queries.unique_person_count([country.police, country.shelter]) == (run.clusters, run.merged)
    linked = queries.person_clusters([p.pk for p in country.persons])
    assert len(linked) == len(members)
    assert all(linked[m.person_id] == m.cluster_key for m in members)
    keys = queries.person_cluster_map([country.police])
    assert set(keys) == {p.pk for p in country.persons if p.organisation_id == country.police.pk}
    completed = AuditEvent.objects.get(action="linkage.run.completed")
    assert completed.data["merged"] == run.merged
    assert set(completed.data) == {
        "records",
        "pairs_scored",
        "clusters",
        "merged",
        "review_pairs",
        "decisions_applied",
    }


def test_persons_never_linked_map_to_themselves(country: Country) -> None:
    keys = queries.person_cluster_map()
    assert keys == {p.pk: str(p.public_id) for p in country.persons}
    assert queries.unique_person_count() == (len(country.persons), 0)


def test_decisions_are_respected_by_the_next_run(
    country: Country, django_capture_on_commit_callbacks: Any
) -> None:
    # A wide uncertain band, so that there are pairs of high and low probability to decide.
    first = run_now(country.coordinator, django_capture_on_commit_callbacks, threshold=0.999, review_low=0.05)
    pairs = list(CandidatePair.objects.filter(run=first, state=PairState.PENDING).order_by("-probability"))
    assert len(pairs) >= 2
    to_reject, to_confirm = pairs[0], pairs[-1]
    middle = (to_reject.probability + to_confirm.probability) / 2
    assert to_confirm.probability < middle <= to_reject.probability
    actions.pair_decide(actor=country.coordinator, pair=to_reject, verdict="reject")
    actions.pair_decide(actor=country.coordinator, pair=to_confirm, verdict="confirm")
    assert AuditEvent.objects.filter(action="linkage.pair.confirmed").count() == 1
    assert AuditEvent.objects.filter(action="linkage.pair.rejected").count() == 1

    # The next run links from between the two: by the scores alone the rejected pair would be
    # one person (same data, seeded model, same scores) and the confirmed pair two (the control
    # test below checks that).
    second = run_now(
        country.coordinator, django_capture_on_commit_callbacks, threshold=middle, review_low=0.05
    )
    keys = queries.person_cluster_map()
    assert keys[to_confirm.person_a_id] == keys[to_confirm.person_b_id]
    assert keys[to_reject.person_a_id] != keys[to_reject.person_b_id]
    assert second.decisions_applied == 2
    # The confirmed pair, still in the review band, is shown as decided, not queued again.
    again = CandidatePair.objects.filter(
        run=second, person_a=to_confirm.person_a_id, person_b=to_confirm.person_b_id
    )
    assert [p.state for p in again] == [PairState.CONFIRMED]


def test_without_decisions_the_same_pairs_go_the_other_way(
    country: Country, django_capture_on_commit_callbacks: Any
) -> None:
    """The control of the test above: the scores alone link the likely pair, not the unlikely."""
    first = run_now(country.coordinator, django_capture_on_commit_callbacks, threshold=0.999, review_low=0.05)
    pairs = list(CandidatePair.objects.filter(run=first).order_by("-probability"))
    likely, unlikely = pairs[0], pairs[-1]
    middle = (likely.probability + unlikely.probability) / 2
    run_now(country.coordinator, django_capture_on_commit_callbacks, threshold=middle, review_low=0.05)
    keys = queries.person_cluster_map()
    assert keys[likely.person_a_id] == keys[likely.person_b_id]
    assert keys[unlikely.person_a_id] != keys[unlikely.person_b_id]


def test_a_case_worker_cannot_start_a_run(country: Country) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.run_start(actor=country.worker, scope="country", parameters={})
    assert not Job.objects.unscoped("test").exists()


def test_the_engine_input_never_touches_the_disk(
    country: Country, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    """The decrypted records reach the engine as an in-memory table: reading a file would fail."""
    from pharos.linkage.engine import records

    def no_files(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the run read its records from a file")

    monkeypatch.setattr(records, "_raw_relation", no_files)
    run = run_now(country.coordinator, django_capture_on_commit_callbacks)
    assert run.records == len(country.persons)
