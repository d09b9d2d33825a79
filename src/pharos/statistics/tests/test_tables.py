"""Standard tables against values counted by hand on a small fixture."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command

from pharos import testing
from pharos.cases import actions
from pharos.cases.models import Defendant
from pharos.statistics import actions as stats_actions
from pharos.statistics import queries, service
from pharos.statistics.disclosure import suppress_table
from pharos.statistics.tables import TOTAL, Cell, Dimension, StandardTable, build_standard_tables
from pharos.tenancy.access import resolve_acting, set_acting

pytestmark = pytest.mark.django_db


def acting(user):
    set_acting(user, resolve_acting(user, None))
    return user


def open_case(actor, org, *, status="ActualVictim", person=None, new_person=None, year=2025, **facts):
    return actions.case_register(
        actor=actor,
        organisation=org,
        person=person,
        new_person=new_person,
        facts={"registered_on": datetime.date(year, 3, 1), **facts},
        decision={"status": status, "decision_org_type": "NGO", "decided_on": datetime.date(year, 3, 1)},
    )


@pytest.fixture
def data(cast):
    """Org A (MK), 2025, counted by hand:

    - girl, 16, MK: two cases (identified: sexual + labour; presumed: labour) → one identified person;
    - man, 30, DE, presumed, labour;
    - woman, AL, no age, presumed, no form given;
    - a "not a victim" (not counted); org B (AL) has one victim the A users never count.
    """
    service.clear()
    testing.codelists()
    for code in ("DE", "AL"):
        testing.country(code)
    girl = open_case(
        cast.owner,
        cast.org_a,
        new_person={"first_name": "Ana", "gender": "Feminine", "citizenships": ["MK"]},
        age_at_identification=16,
        forms_of_exploitation=["SexualExploitation", "ForcedLabour"],
    )
    person = girl.person
    open_case(
        cast.owner,
        cast.org_a,
        status="PossibleVictim",
        person=person,
        age_at_identification=16,
        forms_of_exploitation=["ChildLabour"],
    )
    open_case(
        cast.owner,
        cast.org_a,
        status="PossibleVictim",
        new_person={"first_name": "Bo", "gender": "Masculine", "citizenships": ["DE"]},
        age_at_identification=30,
        forms_of_exploitation=["ForcedLabour"],
    )
    open_case(
        cast.owner,
        cast.org_a,
        status="PossibleVictim",
        new_person={"first_name": "Cy", "gender": "Feminine", "citizenships": ["AL"]},
    )
    open_case(
        cast.owner, cast.org_a, status="NotAVictim", new_person={"first_name": "Di", "citizenships": ["AL"]}
    )
    open_case(cast.outsider, cast.org_b, new_person={"first_name": "Ed", "gender": "Feminine"})
    return cast


def tables_for(user):
    scope = queries.scope_for(acting(user))
    assert scope is not None
    return {t.name: t for t in build_standard_tables(scope)}


def count(table, **codes):
    cell = table.lookup(**codes)
    return None if cell is None else cell.count


def test_persons_are_counted_once_with_their_most_advanced_status(data) -> None:
    coordinator = testing.member(data.org_a, "national_coordinator")
    tables = tables_for(coordinator)
    status = tables["victims_status"]
    assert count(status, country="MK", year="2025", status="identified") == 1
    assert count(status, country="MK", year="2025", status="presumed") == 2
    assert count(status, country="MK", year="2025") == 3
    assert status.total() == 3  # org B's victim is not in A's scope


def test_sex_age_and_citizenship_group(data) -> None:
    tables = tables_for(testing.member(data.org_a, "national_coordinator"))
    sex_age = tables["victims_sex_age"]
    assert count(sex_age, country="MK", year="2025", sex="F", age_group="Y_LT18") == 1
    assert count(sex_age, country="MK", year="2025", sex="F", age_group="UNK") == 1
    assert count(sex_age, country="MK", year="2025", sex="M", age_group="Y_GE18") == 1
    assert count(sex_age, country="MK", year="2025", sex="F") == 2
    groups = tables["victims_citizenship_group"]
    assert count(groups, country="MK", year="2025", citizenship_group="NAT") == 1
    assert count(groups, country="MK", year="2025", citizenship_group="EU27_2020_FOR") == 1
    assert count(groups, country="MK", year="2025", citizenship_group="NEU27_2020_FOR") == 1


def test_forms_follow_ctdcs_denominator_rule(data) -> None:
    form = tables_for(testing.member(data.org_a, "national_coordinator"))["victims_form"]
    sexual = form.lookup(country="MK", year="2025", form="sexual")
    labour = form.lookup(country="MK", year="2025", form="labour")
    # Two persons gave a form (the girl: sexual + labour, the man: labour); the woman gave none.
    assert (sexual.count, sexual.values["denominator"], sexual.values["share"]) == (1, 2, 0.5)
    assert (labour.count, labour.values["denominator"], labour.values["share"]) == (2, 2, 1.0)
    assert count(form, country="MK", year="2025", form="UNK") == 1
    # The margin counts persons, not the sum of the cells (1 + 2 + 1 = 4).
    assert count(form, country="MK", year="2025") == 3


def test_offenders_by_stage_sex_and_form(data) -> None:
    police = testing.member(data.org_a, "law_enforcement")
    suspect = actions.suspect_register(actor=police, organisation=data.org_a, values={"sex": "male"})
    proceeding = actions.proceeding_record(
        actor=police,
        organisation=data.org_a,
        values={
            "stage": "trial",
            "forms_of_exploitation": ["SexualExploitation"],
            "prosecution_started_on": datetime.date(2025, 5, 1),
        },
        suspects=[suspect],
    )
    defendant = Defendant.objects.unscoped("test").get(proceeding=proceeding)
    actions.defendant_outcome_record(
        actor=police,
        defendant=defendant,
        values={"outcome": "convicted", "decided_on": datetime.date(2025, 9, 1)},
    )
    tables = tables_for(police)
    by_sex = tables["offenders_sex"]
    for stage in ("prosecuted", "convicted"):
        assert count(by_sex, country="MK", year="2025", stage=stage, sex="M") == 1
    assert count(by_sex, stage="suspected") == 1
    assert count(tables["offenders_form"], country="MK", year="2025", stage="convicted", form="sexual") == 1


def test_victims_per_100000_use_the_uploaded_population(data) -> None:
    coordinator = acting(testing.member(data.org_a, "national_coordinator"))
    stats_actions.population_upload(
        actor=coordinator,
        text="country,year,sex,age_group,population\nMK,2025,F,_T,1000000\nMK,2025,_T,_T,1830000\n",
    )
    sdg = tables_for(coordinator)["sdg_16_2_2"]
    women = sdg.lookup(country="MK", year="2025", sex="F")
    assert women.values == {"population": 1_000_000, "rate_per_100000": 0.2}
    everyone = sdg.lookup(country="MK", year="2025")
    assert everyone.values["rate_per_100000"] == round(3 * 100_000 / 1_830_000, 3)
    assert sdg.lookup(country="MK", year="2025", sex="M").values["rate_per_100000"] is None


def test_population_for_another_country_is_refused(data) -> None:
    from pharos.statistics.population import PopulationFileError

    coordinator = acting(testing.member(data.org_a, "national_coordinator"))
    with pytest.raises(PopulationFileError):
        stats_actions.population_upload(
            actor=coordinator, text="country,year,sex,age_group,population\nAL,2025,F,_T,1000\n"
        )


def test_a_statistician_sees_suppressed_figures_and_a_coordinator_raw_ones(data) -> None:
    statistician = testing.member(data.org_a, "statistician")
    scope = queries.scope_for(acting(statistician))
    assert scope is not None
    assert not scope.victims_raw
    shown = {t.name: t for t in service.tables_for(scope)}
    status = shown["victims_status"]
    assert all(c.count is None for c in status.entries())  # every count is below 10
    coordinator_scope = queries.scope_for(acting(testing.member(data.org_a, "national_coordinator")))
    raw = {t.name: t for t in service.tables_for(coordinator_scope)}
    assert count(raw["victims_status"], country="MK", year="2025") == 3


def test_secondary_suppression_leaves_no_single_hidden_value_in_a_total() -> None:
    dims = [Dimension("sex", "Sex"), Dimension("age", "Age")]
    counts = {("F", "A"): 3, ("F", "B"): 40, ("M", "A"): 25, ("M", "B"): 30}
    table = StandardTable(name="t", title="t", dimensions=dims)
    table.cells = [Cell(key=k, count=v) for k, v in counts.items()]
    table.margins = [
        Cell(key=("F", TOTAL), count=43),
        Cell(key=("M", TOTAL), count=55),
        Cell(key=(TOTAL, "A"), count=28),
        Cell(key=(TOTAL, "B"), count=70),
        Cell(key=(TOTAL, TOTAL), count=98),
    ]
    protected = suppress_table(table, 10)
    hidden = {c.key for c in protected.entries() if c.count is None}
    assert ("F", "A") in hidden
    # F row: 43 - 40 would give 3 back, A column: 28 - 25 would too: both partners are hidden.
    assert ("F", "B") in hidden
    assert ("M", "A") in hidden
    for total in protected.margins:
        members = [
            c for c in protected.cells if all(t in (TOTAL, k) for t, k in zip(total.key, c.key, strict=False))
        ]
        if total.count is not None:
            assert sum(c.count is None for c in members) != 1


def test_the_command_writes_csv_and_json_per_table(data, tmp_path) -> None:
    call_command("stats", "build", "--out", str(tmp_path))
    status = json.loads((tmp_path / "victims_status.json").read_text())
    assert status["name"] == "victims_status"
    grand = [
        m for m in status["margins"] if m["country"] == TOTAL and m["year"] == TOTAL and m["status"] == TOTAL
    ]
    assert grand[0]["count"] == 4  # both organisations: the command sees every record
    header = (tmp_path / "victims_form.csv").read_text().splitlines()[0]
    assert header == "country,year,form,count,share,denominator,suppressed"
    assert (tmp_path / "referral_indicators.json").exists()


def test_referral_mechanism_indicators(data) -> None:
    """Rows are created directly: the referral and assistance actions are tested in their apps."""
    from pharos.assistance.models import ReflectionPeriod, Service, ServiceType
    from pharos.cases.models import VictimCase
    from pharos.referrals.models import Referral

    cases = list(VictimCase.objects.unscoped("test").filter(organisation=data.org_a).order_by("id"))
    girl_first, girl_second, man = cases[0], cases[1], cases[2]
    at = datetime.datetime(2025, 3, 11, 9, tzinfo=datetime.UTC)
    for case, state, answered in (
        (girl_first, "accepted", 2),
        (girl_second, "declined", 4),
        (man, "completed", 6),
    ):
        Referral.objects.create(
            organisation=data.org_a,
            case=case,
            recipient=data.org_b,
            state=state,
            sent_at=at,
            responded_at=at + datetime.timedelta(days=answered),
        )
    ReflectionPeriod.objects.create(
        organisation=data.org_a, case=man, started_on=datetime.date(2025, 3, 2), duration_days=30
    )
    for case in (girl_first, girl_second, man):
        Service.objects.create(
            organisation=data.org_a,
            case=case,
            service_type=ServiceType.values[0],
            started_on=datetime.date(2025, 3, 5),
        )
    table = tables_for(testing.member(data.org_a, "national_coordinator"))["referral_indicators"]
    assert table.available

    def value(name):
        cell = table.lookup(country="MK", year="2025", indicator=name)
        return cell.count, cell.values["value"]

    # Registered 1 March, first referral sent 11 March: 10 days, for both referred persons.
    assert value("days_to_referral") == (2, 10.0)
    assert value("reflection_period_share") == (1, round(1 / 3, 3))
    assert value("services_per_person") == (3, 1.0)  # 3 services over 3 registered persons
    assert value("referral_acceptance_rate") == (3, round(2 / 3, 3))
    assert value("days_to_acceptance") == (2, 4.0)  # median of 2 and 6
