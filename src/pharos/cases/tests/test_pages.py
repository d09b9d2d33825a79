"""The victim-case pages: what a case worker can do, what they read when input is wrong, who is kept out."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pharos import testing
from pharos.audit.models import AuditEvent
from pharos.cases import actions
from pharos.cases.models import (
    FORMS_OF_EXPLOITATION,
    PerpetratorAccount,
    StatusDecision,
    TraffickingEvent,
    VictimCase,
)
from pharos.persons.actions import person_register
from pharos.persons.models import Person
from pharos.standards.models import Code
from pharos.tenancy.models import Country

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Met near the Quokkaville bus station"


@pytest.fixture(autouse=True)
def _codes(db: None) -> None:
    testing.codelists()


def name_country(code: str, name: str) -> None:
    Country.objects.filter(code=testing.country(code).code).update(names={"en": name})


def make_person(cast, org=None) -> Person:
    return person_register(
        actor=cast.owner, organisation=org or cast.org_a, first_name="Quokkarina", second_name="Z"
    )


def open_case(cast, person=None, **facts) -> VictimCase:
    person = person or make_person(cast)
    return actions.case_register(
        actor=cast.owner,
        organisation=person.organisation,
        person=person,
        facts={"registered_on": datetime.date(2025, 3, 1), **facts},
        decision={
            "status": "PossibleVictim",
            "decision_org_type": "NGO",
            "decided_on": datetime.date(2025, 3, 1),
        },
    )


def create_data(**overrides) -> dict:
    data = {
        "person": "",
        "person-first_name": "Ana",
        "person-second_name": "Petrovska",
        "person-gender": "Feminine",
        "person-citizenships": ["MK"],
        "status": "PossibleVictim",
        "decision_org_type": "NGO",
        "decision_org": "org-a",
        "decided_on": "2025-04-02",
        "registered_on": "2025-04-01",
        "identified_by": "org-a",
        "age_at_recruitment": "16",
        "age_at_exploitation": "17",
        "age_at_identification": "19",
        "country_of_exploitation": "AL",
        "forms_of_exploitation": ["SexualExploitation", "ForcedLabour", "ForcedMarriage"],
        "labour_sector": "I",
        "means_of_control": ["DebtBondage", "WithholdsDocuments"],
        "recruiter_relationships": ["IntimatePartner"],
        "notes": SECRET_NOTE,
    }
    data.update(overrides)
    return data


def test_owner_opens_a_case_with_several_forms_of_exploitation_and_a_new_person(cast, client_for) -> None:
    name_country("AL", "Albania")
    client = client_for(cast.owner)
    assert client.get(reverse("cases:create")).status_code == 200

    response = client.post(reverse("cases:create"), create_data())

    case = VictimCase.objects.unscoped("test").get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("cases:detail", args=[case.public_id])
    assert case.organisation == cast.org_a
    assert case.forms_of_exploitation == ["SexualExploitation", "ForcedLabour", "ForcedMarriage"]
    assert case.means_of_control == ["DebtBondage", "WithholdsDocuments"]
    assert (case.age_at_recruitment, case.age_at_exploitation, case.age_at_identification) == (16, 17, 19)
    assert case.trafficking_status == "PossibleVictim"
    assert case.identified_by == cast.org_a
    assert case.person.first_name == "Ana"
    assert case.person.citizenships == ["MK"]
    assert StatusDecision.objects.unscoped("test").get().decided_on == datetime.date(2025, 4, 2)

    page = client.get(response["Location"]).content.decode()
    for label in ("Forced marriage", "Forced labour or services", "Sexual exploitation", "Debt bondage"):
        assert label in page
    assert "Ana Petrovska" in page
    assert "Albania (AL)" in page
    created = AuditEvent.objects.get(action="cases.case.created")
    assert SECRET_NOTE not in str(created.data)
    assert "forms_of_exploitation" in created.data["fields"]
    # The case page showed the person's name: that reading is in the person's history too.
    assert AuditEvent.objects.filter(
        action="persons.person.viewed", target_id=str(case.person.public_id)
    ).exists()


def test_a_case_for_a_registered_person_by_reference(cast, client_for) -> None:
    person = make_person(cast)
    response = client_for(cast.owner).post(
        reverse("cases:create"), create_data(person=person.reference, **{"person-first_name": ""})
    )
    assert response.status_code == 302
    assert VictimCase.objects.unscoped("test").get().person == person
    assert Person.objects.unscoped("test").count() == 1


def test_a_bad_code_gets_an_error_naming_the_nearest_valid_values(cast, client_for) -> None:
    response = client_for(cast.owner).post(
        reverse("cases:create"),
        create_data(forms_of_exploitation=["SexualExploitation", "ForcedLabor"], labour_sector="Constructon"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "“ForcedLabor” is not a value of “Forms of exploitation”" in page
    assert "Nearest valid values: Forced labour or services (ForcedLabour)" in page
    assert "Construction (F)" in page
    assert not VictimCase.objects.unscoped("test").exists()
    assert not Person.objects.unscoped("test").exists()  # all or nothing


def test_an_unknown_person_reference_says_what_to_do(cast, client_for) -> None:
    other = make_person(cast, cast.org_b)
    response = client_for(cast.owner).post(reverse("cases:create"), create_data(person=other.reference))
    assert response.status_code == 200
    assert "No person with the reference" in response.content.decode()
    assert not VictimCase.objects.unscoped("test").exists()


def test_a_closed_code_is_refused_for_new_cases_but_an_old_case_keeps_showing_it(cast, client_for) -> None:
    old = open_case(cast, forms_of_exploitation=["BenefitFraud"])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Code.objects.filter(code_list__key=FORMS_OF_EXPLOITATION, code="BenefitFraud").update(valid_to=yesterday)
    client = client_for(cast.owner)

    response = client.post(reverse("cases:create"), create_data(forms_of_exploitation=["BenefitFraud"]))
    assert response.status_code == 200
    assert "is no longer in use since" in response.content.decode()
    assert VictimCase.objects.unscoped("test").count() == 1

    detail = client.get(reverse("cases:detail", args=[old.public_id])).content.decode()
    assert "Exploitation for benefit fraud" in detail
    # The edit form still offers it, ticked, and saving keeps it.
    edit = client.get(reverse("cases:edit", args=[old.public_id])).content.decode()
    assert "Exploitation for benefit fraud (no longer in use)" in edit
    data = {
        "registered_on": "2025-03-01",
        "forms_of_exploitation": ["BenefitFraud", "ForcedBegging"],
        "identified_by": "",
    }
    response = client.post(reverse("cases:edit", args=[old.public_id]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    old.refresh_from_db()
    assert old.forms_of_exploitation == ["BenefitFraud", "ForcedBegging"]


def test_changing_a_case_records_which_fields_changed_never_their_values(cast, client_for) -> None:
    case = open_case(cast, notes="first")
    client = client_for(cast.owner)
    response = client.post(
        reverse("cases:edit", args=[case.public_id]),
        {"registered_on": "2025-03-01", "notes": SECRET_NOTE, "age_at_identification": "30"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.notes == SECRET_NOTE
    changed = AuditEvent.objects.get(action="cases.case.changed")
    assert sorted(changed.data["changed"]) == ["age_at_identification", "notes"]
    assert SECRET_NOTE not in str(changed.data)
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM cases_victimcase")
        assert SECRET_NOTE not in str(cursor.fetchall())


def test_status_decisions_keep_their_history_and_the_latest_is_current(cast, client_for) -> None:
    case = open_case(cast)
    client = client_for(cast.owner)
    url = reverse("cases:status", args=[case.public_id])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "status": "ActualVictim",
            "decision_org_type": "Police",
            "decided_on": "2025-05-01",
            "note": "Police report",
        },
    )
    assert response.status_code == 302
    # Entered late: a decision older than the current one joins the history only.
    client.post(url, {"status": "NotAVictim", "decision_org_type": "Other", "decided_on": "2025-01-01"})
    case.refresh_from_db()
    assert case.trafficking_status == "ActualVictim"
    assert case.status_decided_on == datetime.date(2025, 5, 1)
    assert StatusDecision.objects.unscoped("test").filter(case=case).count() == 3
    page = client.get(reverse("cases:detail", args=[case.public_id])).content.decode()
    assert "Identified victim" in page
    assert "Not a victim" in page
    # The same decision twice is refused with an explanation.
    again = client.post(
        url, {"status": "ActualVictim", "decision_org_type": "Police", "decided_on": "2025-05-01"}
    )
    assert again.status_code == 200
    assert "already recorded" in again.content.decode()


def test_events_and_perpetrator_accounts_appear_on_the_case(cast, client_for) -> None:
    name_country("AL", "Albania")
    case = open_case(cast)
    client = client_for(cast.owner)
    response = client.post(
        reverse("cases:event_create", args=[case.public_id]),
        {
            "event_type": "Recruitment",
            "occurred_on": "2024-09-01",
            "country": "AL",
            "place": "Quokkaville market",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("cases:perpetrator_create", args=[case.public_id]),
        {
            "sex": "male",
            "age_group": "30--38",
            "relationship": "IntimatePartner",
            "roles": ["RecruiterOrIntermediary", "Exploiter"],
            "paid_money": "no",
        },
    )
    assert response.status_code == 302, response.content.decode()[-6000:-3000]
    account = PerpetratorAccount.objects.unscoped("test").get()
    assert account.roles == ["RecruiterOrIntermediary", "Exploiter"]
    assert account.paid_money is False
    page = client.get(reverse("cases:detail", args=[case.public_id])).content.decode()
    assert "Quokkaville market" in page
    assert "Recruiter Or Intermediary" in page
    with connection.cursor() as cursor:
        cursor.execute("SELECT place FROM cases_traffickingevent")
        assert "Quokkaville" not in str(cursor.fetchall())
    assert TraffickingEvent.objects.unscoped("test").get().place == "Quokkaville market"
    # An account with nothing in it is refused.
    empty = client.post(reverse("cases:perpetrator_create", args=[case.public_id]), {})
    assert "Give at least one thing the victim said" in empty.content.decode()


def test_list_filters_by_status_form_and_year(cast, client_for) -> None:
    labour = open_case(cast, forms_of_exploitation=["ForcedLabour"])
    marriage = open_case(cast, forms_of_exploitation=["ForcedMarriage", "SexualExploitation"])
    older = open_case(cast, registered_on=datetime.date(2023, 5, 5), forms_of_exploitation=["ForcedLabour"])
    actions.case_status_decide(
        actor=cast.owner,
        case=marriage,
        decision={
            "status": "ActualVictim",
            "decision_org_type": "Police",
            "decided_on": datetime.date(2025, 4, 1),
        },
    )
    client = client_for(cast.owner)

    def listed(**params) -> set[str]:
        page = client.get(reverse("cases:list"), params).content.decode()
        return {c.reference for c in (labour, marriage, older) if c.reference in page}

    assert listed() == {labour.reference, marriage.reference, older.reference}
    assert listed(status="ActualVictim") == {marriage.reference}
    assert listed(form="ForcedLabour") == {labour.reference, older.reference}
    assert listed(form="SexualExploitation", year="2025") == {marriage.reference}
    assert listed(year="2023") == {older.reference}
    assert listed(status="NoSuchStatus") == {labour.reference, marriage.reference, older.reference}
    assert AuditEvent.objects.filter(action="cases.case.listed").count() >= 3


def test_the_list_costs_the_same_queries_for_two_cases_or_eight(cast, client_for) -> None:
    client = client_for(cast.owner)
    person = make_person(cast)
    for _ in range(2):
        open_case(cast, person=person, forms_of_exploitation=["ForcedLabour"])
    client.get(reverse("cases:list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("cases:list"))
    for _ in range(6):
        open_case(cast, person=person, forms_of_exploitation=["SexualExploitation"])
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_history_shows_who_viewed_or_changed_the_case(cast, client_for) -> None:
    case = open_case(cast)
    client = client_for(cast.owner)
    client.get(reverse("cases:detail", args=[case.public_id]))
    page = client.get(reverse("cases:history", args=[case.public_id])).content.decode()
    assert "A victim case was opened" in page
    assert "A victim case was viewed" in page
    assert cast.owner.email in page


@pytest.mark.parametrize(
    "name", ["detail", "edit", "status", "event_create", "perpetrator_create", "history"]
)
def test_another_organisation_gets_404_and_a_statistician_403(name, client_for) -> None:
    cast = testing.cast(member_role="statistician")
    testing.codelists()
    case = open_case(cast)
    url = reverse(f"cases:{name}", args=[case.public_id])
    assert client_for(cast.outsider).get(url).status_code == 404
    if name not in ("detail", "history"):
        assert client_for(cast.outsider).post(url, {"status": "ActualVictim"}).status_code == 404
    assert client_for(cast.member).get(url).status_code == 403
    assert client_for(cast.owner).get(url).status_code == 200
    outsider_list = client_for(cast.outsider).get(reverse("cases:list")).content.decode()
    assert case.reference not in outsider_list


def test_erasing_a_person_blanks_the_free_text_of_their_cases_and_keeps_the_facts(cast) -> None:
    case = open_case(cast, notes=SECRET_NOTE, forms_of_exploitation=["ForcedLabour"])
    actions.event_add(
        actor=cast.owner, case=case, values={"event_type": "Recruitment", "place": "Quokkaville"}
    )
    actions.perpetrator_account_add(actor=cast.owner, case=case, values={"role_details": "Quokka uncle"})

    from pharos.persons.actions import person_erase

    coordinator = testing.member(cast.org_a, "national_coordinator")
    person_erase(actor=coordinator, person=case.person)  # erasure reaches the cases in the same step

    case.refresh_from_db()
    assert case.notes is None
    assert case.forms_of_exploitation == ["ForcedLabour"]
    assert TraffickingEvent.objects.unscoped("test").get().place is None
    assert PerpetratorAccount.objects.unscoped("test").get().role_details is None
    assert TraffickingEvent.objects.unscoped("test").get().event_type == "Recruitment"
    assert AuditEvent.objects.filter(action="cases.case.erased", target_id=str(case.public_id)).exists()
