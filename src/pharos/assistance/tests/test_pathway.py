"""The pathway on a case: stages, measures through pages and API, scoping, audit, erasure."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from pharos import testing
from pharos.assistance import actions, measures, queries
from pharos.assistance.models import Service, Stage, StageEntry
from pharos.audit.models import AuditEvent
from pharos.cases import actions as case_actions
from pharos.persons.actions import person_register
from pharos.tenancy import access

pytestmark = pytest.mark.django_db
D = datetime.date
SECRET = "Safe house on Quokka street"


@pytest.fixture
def cast() -> testing.Cast:
    testing.codelists()
    cast = testing.cast(member_role="statistician")
    for user in (cast.owner, cast.member, cast.outsider):
        access.set_acting(user, user.memberships.get())
    return cast


@pytest.fixture
def case(cast: testing.Cast):
    person = person_register(actor=cast.owner, organisation=cast.org_a, first_name="Q", second_name="Z")
    return case_actions.case_register(
        actor=cast.owner,
        organisation=cast.org_a,
        person=person,
        facts={"registered_on": D(2026, 1, 5)},
        decision={"status": "PossibleVictim", "decision_org_type": "NGO", "decided_on": D(2026, 1, 5)},
    )


def login(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def current(cast: testing.Cast, case) -> list[str]:
    return [s.stage for s in queries.pathway(cast.owner, case, with_measures=False) if s.current]


def test_identification_is_current_until_a_later_measure_moves_the_case(cast: testing.Cast, case) -> None:
    assert current(cast, case) == [Stage.IDENTIFICATION]
    actions.measure_record(
        actor=cast.owner,
        case=case,
        kind=measures.KINDS["crisis-need"],
        values={"need": "accommodation", "identified_on": D(2026, 1, 6)},
    )
    assert current(cast, case) == [Stage.FIRST_ASSISTANCE]
    actions.measure_record(
        actor=cast.owner,
        case=case,
        kind=measures.KINDS["service"],
        values={"service_type": "shelter", "provider_name": "Shelter", "started_on": D(2026, 2, 1)},
    )
    # Proceedings run beside the sequential stages.
    actions.measure_record(
        actor=cast.owner,
        case=case,
        kind=measures.KINDS["proceeding-role"],
        values={"role": "witness", "since": D(2026, 2, 3)},
    )
    assert current(cast, case) == [Stage.LONG_TERM, Stage.PROCEEDINGS]
    # A late crisis need does not move the case back.
    actions.measure_record(
        actor=cast.owner,
        case=case,
        kind=measures.KINDS["risk-assessment"],
        values={"kind": "review", "assessed_on": D(2026, 2, 4), "level": "high"},
    )
    assert current(cast, case) == [Stage.LONG_TERM, Stage.PROCEEDINGS]
    entries = StageEntry.objects.unscoped("test").filter(case=case).order_by("entered_on", "id")
    assert [(e.stage, e.entered_on, e.left_on) for e in entries] == [
        ("identification", D(2026, 1, 5), D(2026, 1, 6)),
        ("first_assistance", D(2026, 1, 6), D(2026, 2, 1)),
        ("long_term", D(2026, 2, 1), None),
        ("proceedings", D(2026, 2, 3), None),
    ]
    actions.stage_leave(actor=cast.owner, case=case, stage="proceedings", left_on=D(2026, 3, 1))
    assert current(cast, case) == [Stage.LONG_TERM]


def test_the_case_page_shows_the_pathway_and_the_reflection_warning(cast: testing.Cast, case) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    actions.measure_record(
        actor=cast.owner,
        case=case,
        kind=measures.KINDS["reflection-period"],
        values={"started_on": today - datetime.timedelta(days=25)},
    )
    page = login(cast.owner).get(reverse("cases:detail", args=[case.public_id])).content.decode()
    assert "Referral pathway" in page
    assert "First assistance and protection" in page
    assert "Current stage" in page
    # The last day is start + 29 = today + 4.
    assert "4 days left" in page
    due = login(cast.owner).get(reverse("assistance:due")).content.decode()
    assert case.reference in due
    assert "Recovery and reflection period ends" in due


def test_a_worker_records_a_service_through_the_form(cast: testing.Cast, case) -> None:
    client = login(cast.owner)
    url = reverse("assistance:measure_create", args=[case.public_id, "service"])
    assert client.get(url).status_code == 200
    # A provider is needed: an organisation in Pharos or a name.
    refused = client.post(url, {"service_type": "medical", "started_on": "2026-02-01", "outcome": "ongoing"})
    assert refused.status_code == 200
    assert "Name the provider" in refused.content.decode()
    done = client.post(
        url,
        {
            "service_type": "medical",
            "provider": cast.org_a.code,
            "started_on": "2026-02-01",
            "ended_on": "2026-01-01",
            "outcome": "ongoing",
        },
    )
    assert done.status_code == 200
    assert "cannot be before" in done.content.decode()
    done = client.post(
        url,
        {
            "service_type": "medical",
            "provider": cast.org_a.code,
            "started_on": "2026-02-01",
            "outcome": "ongoing",
            "notes": SECRET,
        },
    )
    assert done.status_code == 302
    service = Service.objects.unscoped("test").get()
    assert service.provider == cast.org_a
    assert service.notes == SECRET
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM assistance_service")
        assert SECRET not in str(cursor.fetchone())
    pathway = client.get(reverse("assistance:pathway", args=[case.public_id])).content.decode()
    assert SECRET in pathway
    assert "Medical" in pathway
    event = AuditEvent.objects.get(action="assistance.measure.recorded")
    assert SECRET not in json.dumps(event.data)
    assert event.data["kind"] == "service"
    assert AuditEvent.objects.filter(action="assistance.pathway.viewed").exists()


def test_another_organisation_sees_nothing(cast: testing.Cast, case) -> None:
    service = actions.measure_record(
        actor=cast.owner,
        case=case,
        kind=measures.KINDS["service"],
        values={"service_type": "shelter", "provider_name": "Shelter", "started_on": D(2026, 2, 1)},
    )
    outsider = login(cast.outsider)
    assert outsider.get(reverse("assistance:pathway", args=[case.public_id])).status_code == 404
    edit = reverse("assistance:measure_edit", args=[case.public_id, "service", service.public_id])
    assert outsider.get(edit).status_code == 404
    assert outsider.get(f"/api/cases/{case.public_id}/pathway").status_code == 404
    assert queries.due_items(cast.outsider, today=D(2026, 2, 1)) == []
    # A statistician has no access at all.
    assert login(cast.member).get(reverse("assistance:pathway", args=[case.public_id])).status_code == 403


def test_a_closed_case_is_refused(cast: testing.Cast, case) -> None:
    from pharos.cases.actions import CaseError
    from pharos.cases.models import VictimCase

    VictimCase.objects.unscoped("test").filter(pk=case.pk).update(state="closed")
    with pytest.raises(CaseError):
        actions.measure_record(
            actor=cast.owner,
            case=case,
            kind=measures.KINDS["crisis-need"],
            values={"need": "medical", "identified_on": D(2026, 1, 6)},
        )


def test_the_api_is_the_twin_of_the_pages(cast: testing.Cast, case) -> None:
    client = login(cast.owner)
    base = f"/api/cases/{case.public_id}/pathway"
    made = client.post(
        f"{base}/measures/compensation-claim",
        json.dumps(
            {"kind": "state", "status": "filed", "filed_on": "2026-02-01", "amount_claimed": "5000.00"}
        ),
        content_type="application/json",
    )
    # Amounts need a currency: the model's rule answers 422 on the field.
    assert made.status_code == 422
    assert made.json()["errors"][0]["loc"] == ["body", "currency"]
    made = client.post(
        f"{base}/measures/compensation-claim",
        json.dumps(
            {
                "kind": "state",
                "status": "filed",
                "filed_on": "2026-02-01",
                "amount_claimed": "5000.00",
                "currency": "EUR",
            }
        ),
        content_type="application/json",
    )
    assert made.status_code == 201
    claim = made.json()
    changed = client.patch(
        f"{base}/measures/compensation-claim/{claim['public_id']}",
        json.dumps({"status": "awarded", "amount_awarded": "3000.00"}),
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert changed.json()["amount_awarded"] == "3000.00"
    assert changed.json()["amount_claimed"] == "5000.00"
    unknown = client.post(f"{base}/measures/no-such-kind", json.dumps({}), content_type="application/json")
    assert unknown.status_code == 404
    pathway = client.get(base).json()
    proceedings = next(s for s in pathway["stages"] if s["stage"] == "proceedings")
    assert proceedings["current"] is True
    assert proceedings["measures"]["compensation-claim"][0]["status"] == "awarded"
    period = client.post(
        f"{base}/measures/reflection-period",
        json.dumps({"started_on": "2026-02-01"}),
        content_type="application/json",
    ).json()
    assert (period["duration_days"], period["ends_on"]) == (30, "2026-03-02")
    ended = client.post(
        f"{base}/reflection-periods/{period['public_id']}/end",
        json.dumps({"ended_on": "2026-02-10", "end_reason": "cooperation"}),
        content_type="application/json",
    )
    assert ended.status_code == 200
    assert ended.json()["state"] == "ended"


def test_erasing_the_case_blanks_the_free_text(cast: testing.Cast, case) -> None:
    actions.measure_record(
        actor=cast.owner,
        case=case,
        kind=measures.KINDS["service"],
        values={
            "service_type": "shelter",
            "provider_name": "Shelter",
            "started_on": D(2026, 2, 1),
            "notes": SECRET,
        },
    )
    actions.assistance_erase_for_case(actor=cast.owner, case=case)
    service = Service.objects.unscoped("test").get()
    assert service.notes is None
    assert service.service_type == "shelter"


@pytest.mark.parametrize("slug", sorted(measures.KINDS))
def test_every_kind_has_a_working_form_and_shows_on_the_pathway(cast: testing.Cast, case, slug: str) -> None:
    client = login(cast.owner)
    form = client.get(reverse("assistance:measure_create", args=[case.public_id, slug]))
    assert form.status_code == 200
    kind = measures.KINDS[slug]
    samples = {
        "crisis-need": {"need": "medical", "identified_on": D(2026, 1, 6)},
        "risk-assessment": {
            "kind": "pre_return",
            "assessed_on": D(2026, 1, 6),
            "level": "low",
            "country": "AL",
        },
        "support-plan": {"agreed_on": D(2026, 1, 6), "safety_plan": SECRET},
        "reflection-period": {"started_on": D(2026, 1, 6)},
        "residence-permit": {"permit_type": "victim", "status": "granted", "valid_from": D(2026, 2, 1)},
        "service": {"service_type": "legal", "provider_name": "Bar", "started_on": D(2026, 1, 6)},
        "return-plan": {"decision": "return", "decided_on": D(2026, 1, 6), "informed": True, "country": "AL"},
        "proceeding-role": {"role": "witness", "since": D(2026, 1, 6)},
        "protection-measure": {"measure": "remote", "granted_on": D(2026, 1, 6)},
        "compensation-claim": {"kind": "criminal", "status": "planned"},
    }
    record = actions.measure_record(actor=cast.owner, case=case, kind=kind, values=samples[slug])
    page = client.get(reverse("assistance:pathway", args=[case.public_id])).content.decode()
    assert str(kind.label) in page
    assert reverse("assistance:measure_edit", args=[case.public_id, slug, record.public_id]) in page
    edit = client.get(reverse("assistance:measure_edit", args=[case.public_id, slug, record.public_id]))
    assert edit.status_code == 200


def test_the_coordinator_sets_the_country_rule(cast: testing.Cast) -> None:
    coordinator = testing.member(cast.org_a, "national_coordinator", email="nc@a.example.org")
    client = login(coordinator)
    client.post(
        reverse("assistance:rule_set"), {"duration_days": 90, "warning_days": 10, "legal_basis": "Law 5"}
    )
    assert actions.reflection_rule(cast.org_a.country) == (90, 10, "Law 5")
    assert "90 days" in client.get(reverse("assistance:rules")).content.decode()
    assert AuditEvent.objects.filter(action="assistance.rule.changed").count() == 1
    # A case worker may read the rule but not set it.
    assert (
        login(cast.owner)
        .post(reverse("assistance:rule_set"), {"duration_days": 10, "warning_days": 1})
        .status_code
        == 403
    )
