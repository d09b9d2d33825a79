"""The recovery and reflection period: its end date, the country's rule, the warning, the deadline."""

from __future__ import annotations

import datetime

import pytest

from pharos import testing
from pharos.assistance import actions, measures, queries
from pharos.assistance.models import ReflectionPeriod, last_day
from pharos.cases import actions as case_actions
from pharos.casework.models import Task
from pharos.persons.actions import person_register
from pharos.tenancy import access

D = datetime.date


def test_the_last_day_counts_the_first_day() -> None:
    # A 30-day period starting on 1 March runs to 30 March inclusive.
    assert last_day(D(2026, 3, 1), 30) == D(2026, 3, 30)
    assert last_day(D(2026, 3, 1), 1) == D(2026, 3, 1)
    # Across a month end and a leap day.
    assert last_day(D(2028, 2, 15), 30) == D(2028, 3, 15)
    assert last_day(D(2026, 12, 20), 90) == D(2027, 3, 19)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (D(2026, 3, 1), "running"),
        (D(2026, 3, 22), "running"),  # eight days before the last day
        (D(2026, 3, 23), "ending"),  # the warning starts seven days before the last day
        (D(2026, 3, 30), "ending"),  # the last day itself
        (D(2026, 3, 31), "overdue"),  # past the end and no end recorded
    ],
)
def test_the_warning_before_the_end(today: datetime.date, state: str) -> None:
    period = ReflectionPeriod(started_on=D(2026, 3, 1), duration_days=30, warning_days=7)
    assert period.warn_from == D(2026, 3, 23)
    assert period.state_on(today) == state


def test_an_ended_period_warns_no_more() -> None:
    period = ReflectionPeriod(
        started_on=D(2026, 3, 1),
        duration_days=30,
        warning_days=7,
        ended_on=D(2026, 3, 10),
        end_reason="cooperation",
    )
    assert period.state_on(D(2026, 4, 30)) == "ended"


@pytest.fixture
def world(db: None) -> testing.Cast:
    testing.codelists()
    cast = testing.cast(member_role="statistician")
    for user in (cast.owner, cast.member, cast.outsider):
        access.set_acting(user, user.memberships.get())
    return cast


def open_case(cast: testing.Cast, org=None):
    org = org or cast.org_a
    actor = cast.owner if org == cast.org_a else cast.outsider
    person = person_register(actor=actor, organisation=org, first_name="Q", second_name="Z")
    return case_actions.case_register(
        actor=actor,
        organisation=org,
        person=person,
        facts={"registered_on": D(2026, 1, 5)},
        decision={"status": "PossibleVictim", "decision_org_type": "NGO", "decided_on": D(2026, 1, 5)},
    )


KIND = measures.KINDS["reflection-period"]


def test_without_a_country_rule_thirty_days_apply_and_a_deadline_is_set(world: testing.Cast) -> None:
    case = open_case(world)
    period = actions.measure_record(
        actor=world.owner, case=case, kind=KIND, values={"started_on": D(2026, 2, 1)}
    )
    assert (period.duration_days, period.warning_days, period.ends_on) == (30, 7, D(2026, 3, 2))
    task = Task.objects.unscoped("test").get(case=case)
    assert (task.kind, task.due_on) == ("reflection_period_end", D(2026, 3, 2))
    assert task.source == f"assistance.reflectionperiod:{period.public_id}"


def test_the_country_rule_sets_the_duration(world: testing.Cast) -> None:
    actions.reflection_rule_set(
        actor=world.owner,
        country=world.org_a.country,
        duration_days=90,
        warning_days=14,
        legal_basis="Law 1/2026",
    )
    case = open_case(world)
    period = actions.measure_record(
        actor=world.owner, case=case, kind=KIND, values={"started_on": D(2026, 2, 1)}
    )
    assert (period.duration_days, period.warning_days, period.legal_basis) == (90, 14, "Law 1/2026")
    assert period.ends_on == D(2026, 5, 1)
    # Another country keeps the default.
    other = open_case(world, world.org_b)
    period_b = actions.measure_record(
        actor=world.outsider, case=other, kind=KIND, values={"started_on": D(2026, 2, 1)}
    )
    assert period_b.duration_days == 30


def test_extending_the_period_moves_its_deadline_and_ending_it_closes_it(world: testing.Cast) -> None:
    case = open_case(world)
    period = actions.measure_record(
        actor=world.owner, case=case, kind=KIND, values={"started_on": D(2026, 2, 1)}
    )
    changed = actions.measure_change(
        actor=world.owner, record=period, kind=KIND, values={"duration_days": 45}
    )
    assert changed == ["duration_days"]
    task = Task.objects.unscoped("test").get(case=case)
    assert task.due_on == D(2026, 3, 17)
    actions.reflection_end(
        actor=world.owner, period=period, ended_on=D(2026, 2, 20), end_reason="cooperation"
    )
    task.refresh_from_db()
    assert task.done_at is not None
    with pytest.raises(actions.AssistanceError):
        actions.reflection_end(
            actor=world.owner, period=period, ended_on=D(2026, 2, 21), end_reason="expired"
        )


def test_an_end_before_the_start_is_refused(world: testing.Cast) -> None:
    from django.core.exceptions import ValidationError

    case = open_case(world)
    period = actions.measure_record(
        actor=world.owner, case=case, kind=KIND, values={"started_on": D(2026, 2, 1)}
    )
    with pytest.raises(ValidationError):
        actions.reflection_end(
            actor=world.owner, period=period, ended_on=D(2026, 1, 20), end_reason="expired"
        )


def test_the_due_list_shows_a_period_from_its_warning_date(world: testing.Cast) -> None:
    case = open_case(world)
    actions.measure_record(actor=world.owner, case=case, kind=KIND, values={"started_on": D(2026, 2, 1)})
    # Ends on 2 March; warning from 23 February. A zero horizon isolates the warning rule.
    assert queries.due_items(world.owner, today=D(2026, 2, 22), horizon_days=0) == []
    [item] = queries.due_items(world.owner, today=D(2026, 2, 23), horizon_days=0)
    assert (item.what, item.due_on, item.state, item.case) == ("reflection_end", D(2026, 3, 2), "due", case)
    [item] = queries.due_items(world.owner, today=D(2026, 3, 3), horizon_days=0)
    assert item.state == "overdue"
    # Another organisation sees nothing of it.
    assert queries.due_items(world.outsider, today=D(2026, 3, 3), horizon_days=0) == []


def test_plan_reviews_are_due_and_a_review_moves_the_date(world: testing.Cast) -> None:
    case = open_case(world)
    plan_kind = measures.KINDS["support-plan"]
    plan = actions.measure_record(
        actor=world.owner,
        case=case,
        kind=plan_kind,
        values={"agreed_on": D(2026, 2, 1), "next_review_on": D(2026, 3, 1)},
    )
    [item] = queries.due_items(world.owner, today=D(2026, 2, 20), horizon_days=14)
    assert (item.what, item.due_on) == ("plan_review", D(2026, 3, 1))
    assert Task.objects.unscoped("test").get(case=case, kind="plan_review").due_on == D(2026, 3, 1)
    actions.plan_review(actor=world.owner, plan=plan, reviewed_on=D(2026, 3, 1), next_review_on=D(2026, 6, 1))
    assert queries.due_items(world.owner, today=D(2026, 3, 2), horizon_days=14) == []
    tasks = Task.objects.unscoped("test").filter(case=case, kind="plan_review").order_by("due_on")
    assert [(t.due_on, t.done_at is not None) for t in tasks] == [
        (D(2026, 3, 1), True),
        (D(2026, 6, 1), False),
    ]
