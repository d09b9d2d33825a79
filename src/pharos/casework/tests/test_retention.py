"""Retention: the job erases the personal data of cases closed too long ago and keeps the facts."""

from __future__ import annotations

import datetime

import pytest

from pharos import testing
from pharos.audit.models import AuditEvent
from pharos.cases.models import PerpetratorAccount, StatusDecision, TraffickingEvent, VictimCase
from pharos.casework import actions
from pharos.casework.models import CaseAttachment, CaseNote, RetentionRule, Task
from pharos.casework.tests.conftest import SECRET, open_case
from pharos.jobs.cli import run_in_foreground
from pharos.jobs.models import JobStatus
from pharos.persons.models import Person
from pharos.privacy.models import EncryptedAttachment
from pharos.tenancy import access

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _close(world, case, on: datetime.date) -> None:
    access.set_acting(world.owner, world.owner.memberships.get())
    request = actions.closure_request(actor=world.owner, case=case, reason="goals_reached", note=SECRET)
    access.set_acting(world.supervisor, world.supervisor.memberships.get())
    actions.closure_decide(actor=world.supervisor, request=request, approve=True)
    VictimCase.objects.unscoped("test: back-date the closure").filter(pk=case.pk).update(closed_on=on)


def _fill(world, case) -> None:
    from pharos.cases import actions as case_actions

    case_actions.case_change(actor=world.owner, case=case, changes={"notes": SECRET})
    case_actions.event_add(
        actor=world.owner,
        case=case,
        values={"event_type": "Transit", "place": SECRET, "occurred_on": datetime.date(2024, 6, 17)},
    )
    actions.note_add(actor=world.owner, case=case, text=SECRET)
    actions.task_create(
        actor=world.owner, case=case, kind="follow_up", title=SECRET, due_on=datetime.date(2025, 5, 5)
    )
    actions.attachment_add(
        actor=world.owner, case=case, content=PNG, file_name="face.png", document_type="photo"
    )


def test_the_job_erases_old_closed_cases_and_keeps_the_facts(world) -> None:
    RetentionRule.objects.create(country=world.org_a.country, years=3)
    old = world.case
    _fill(world, old)
    _close(world, old, datetime.date(2021, 5, 20))
    recent = open_case(world.owner, world.org_a, first_name="Recentina")
    _fill(world, recent)
    _close(world, recent, datetime.date(2025, 1, 10))

    job = run_in_foreground("casework.retention", {"today": "2026-11-28"})

    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["cases"] == 1
    assert job.result["persons"] == 1
    old = VictimCase.objects.unscoped("test").get(pk=old.pk)
    person = Person.objects.unscoped("test").get(pk=old.person_id)
    # The personal data is gone…
    assert person.first_name is None
    assert person.second_name is None
    assert person.erased_at is not None
    assert old.notes is None
    assert old.personal_data_erased_at is not None
    assert CaseNote.objects.unscoped("test").get(case=old).text is None
    assert Task.objects.unscoped("test").get(case=old).title is None
    assert TraffickingEvent.objects.unscoped("test").get(case=old).place is None
    item = CaseAttachment.objects.unscoped("test").get(case=old)
    assert EncryptedAttachment.objects.get(pk=item.attachment_id).blob == ""
    # …the anonymous facts remain, dates to the year.
    assert old.forms_of_exploitation == ["ForcedLabour"]
    assert old.trafficking_status == "PossibleVictim"
    assert old.registered_on == datetime.date(2025, 1, 1)
    assert old.closed_on == datetime.date(2021, 1, 1)
    assert TraffickingEvent.objects.unscoped("test").get(case=old).occurred_on == datetime.date(2024, 1, 1)
    assert StatusDecision.objects.unscoped("test").get(case=old).decided_on == datetime.date(2025, 1, 1)
    assert person.gender == Person._meta.get_field("gender").default
    # The recent case is untouched.
    recent = VictimCase.objects.unscoped("test").get(pk=recent.pk)
    assert recent.notes == SECRET
    assert recent.personal_data_erased_at is None
    assert CaseNote.objects.unscoped("test").get(case=recent).text == SECRET
    applied = AuditEvent.objects.get(action="casework.retention.applied")
    assert applied.data["cases"] == 1
    assert applied.data["notes"] == 1
    assert applied.data["attachments"] == 1
    assert SECRET not in str(list(AuditEvent.objects.values_list("data", flat=True)))


def test_a_person_with_a_case_still_open_keeps_their_identity(world) -> None:
    old = world.case
    _fill(world, old)
    _close(world, old, datetime.date(2019, 2, 1))  # default 5 years: expired
    from pharos.cases import actions as case_actions

    second = case_actions.case_register(
        actor=world.owner,
        organisation=world.org_a,
        person=old.person,
        facts={"registered_on": datetime.date(2025, 1, 1)},
        decision={
            "status": "PossibleVictim",
            "decision_org_type": "NGO",
            "decided_on": datetime.date(2025, 1, 1),
        },
    )
    totals = actions.retention_apply(actor=None, today=datetime.date(2026, 11, 28))
    assert totals == {"cases": 1, "persons": 0, "notes": 1, "attachments": 1, "tasks": 1}
    person = Person.objects.unscoped("test").get(pk=old.person_id)
    assert person.first_name == "Quokkarina"
    assert VictimCase.objects.unscoped("test").get(pk=old.pk).notes is None
    assert VictimCase.objects.unscoped("test").get(pk=second.pk).personal_data_erased_at is None
    assert PerpetratorAccount.objects.unscoped("test").count() == 0


def test_running_twice_erases_nothing_more(world) -> None:
    _close(world, world.case, datetime.date(2010, 1, 1))
    first = actions.retention_apply(actor=None, today=datetime.date(2026, 11, 28))
    second = actions.retention_apply(actor=None, today=datetime.date(2026, 11, 28))
    assert first["cases"] == 1
    assert second["cases"] == 0


def test_retention_period_is_set_per_country_and_audited(world) -> None:
    coordinator = testing.member(world.org_a, "national_coordinator")
    access.set_acting(coordinator, coordinator.memberships.get())
    actions.retention_rule_set(
        actor=coordinator, country=world.org_a.country, years=10, legal_basis="Law 12/2020"
    )
    assert actions.retention_years(world.org_a.country) == 10
    assert actions.retention_years(world.org_b.country) == 5
    event = AuditEvent.objects.get(action="casework.retention.changed")
    assert event.data["years"] == 10
    assert event.data["previous"] == 5
    _close(world, world.case, datetime.date(2019, 1, 1))
    assert actions.retention_apply(actor=None, today=datetime.date(2026, 11, 28))["cases"] == 0


def test_coordinator_sets_a_period_and_starts_the_job_from_the_page(
    world, client_for, django_capture_on_commit_callbacks
) -> None:
    from django.urls import reverse

    from pharos.jobs.models import Job

    coordinator = testing.member(world.org_a, "national_coordinator")
    client = client_for(coordinator)
    response = client.post(
        reverse("casework:retention"), {"country": "MK", "years": "7", "legal_basis": "Art. 9"}
    )
    assert response.status_code == 302
    assert RetentionRule.objects.get(country__code="MK").years == 7
    assert client.post(reverse("casework:retention"), {"country": "MK", "years": "0"}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("casework:retention_run"))
    assert started.status_code == 302
    job = Job.objects.unscoped("test").get(kind="casework.retention")
    assert job.organisation == world.org_a
    assert job.status == JobStatus.SUCCEEDED
    assert client_for(world.owner).get(reverse("casework:retention")).status_code == 403
