"""An NGO worker refers a case to a shelter, choosing what it may see; the shelter sees only that."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from pharos import testing
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_accessibility import choose_language, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SECRET_PLACE = "Room 12 above the Quokka bakery"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_ngo_refers_a_case_to_a_shelter_which_sees_only_the_chosen_sections(
    live_server: Any, page: Any, language: str
) -> None:
    from pharos.cases import actions
    from pharos.persons.actions import person_register

    testing.codelists()
    ngo = testing.organisation("open-door", name="Open Door NGO")
    shelter = testing.organisation("safe-house", name="Safe House Shelter")
    worker = testing.member(ngo, "case_worker", email="worker@ngo.example.org")
    keeper = testing.member(shelter, "service_provider", email="keeper@shelter.example.org")
    person = person_register(actor=worker, organisation=ngo, first_name="Quokkarina", second_name="Zed")
    case = actions.case_register(
        actor=worker,
        organisation=ngo,
        person=person,
        facts={"registered_on": datetime.date(2025, 1, 1), "forms_of_exploitation": ["ForcedLabour"]},
        decision={
            "status": "PossibleVictim",
            "decision_org_type": "NGO",
            "decided_on": datetime.date(2025, 1, 1),
        },
    )
    actions.event_add(actor=worker, case=case, values={"event_type": "Exploitation", "place": SECRET_PLACE})
    violations: dict[str, Any] = {}

    def check(name: str) -> None:
        found = axe_violations(page)
        if found:
            violations[name] = found

    # The NGO worker records the person's consent, then refers from the case page.
    sign_in(page, live_server.url, worker.email)
    choose_language(page, language)
    page.goto(f"{live_server.url}/cases/{case.public_id}/")
    check("case page")
    page.locator(f"a[href$='/referrals/cases/{case.public_id}/consent/']").first.click()
    for purpose, recipient in (("referral", None), ("sharing", str(shelter.pk))):
        page.select_option("select[name=purpose]", purpose)
        if recipient:
            page.select_option("select[name=recipient]", recipient)
        page.check("input[name=given][value=yes]")
        page.fill("input[name=stated_on]", "2025-01-02")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
    check("consent")
    page.goto(f"{live_server.url}/cases/{case.public_id}/")
    page.locator(f"a[href$='/referrals/cases/{case.public_id}/new/']").first.click()
    check("referral form")
    page.select_option("select[name=recipient]", str(shelter.pk))
    page.check("input[name=sections][value=identity]")
    page.check("input[name=sections][value=status]")
    page.fill("input[name=respond_by]", "2030-01-01")
    page.locator("button[name=send]").click()
    page.wait_for_load_state()
    assert page.locator(".badge", has_text="Sent").count() + page.locator(".alert-success").count() >= 1
    check("referral sent")
    for path in (
        "/referrals/outgoing/",
        "/referrals/notifications/",
        f"/referrals/persons/{person.public_id}/matches/",
    ):
        page.goto(live_server.url + path)
        check(path)
    page.context.clear_cookies()

    # The shelter finds it among the referrals received and sees the two sections only.
    sign_in(page, live_server.url, keeper.email)
    choose_language(page, language)
    page.goto(f"{live_server.url}/referrals/incoming/")
    check("incoming")
    page.locator("main table a").first.click()
    page.wait_for_load_state()
    body = page.locator("main").inner_text()
    assert "Quokkarina" in body
    assert SECRET_PLACE not in body
    assert case.reference not in body
    assert page.locator("[data-section]").evaluate_all("els => els.map(e => e.dataset.section)") == [
        "identity",
        "status",
    ]
    check("disclosed")
    page.locator("main form button[formaction$='/accept/']").click()
    page.wait_for_load_state()
    assert "Quokkarina" in page.locator("main").inner_text()
    # Everything else about the case stays closed to the shelter.
    response = page.goto(f"{live_server.url}/cases/{case.public_id}/")
    assert response is not None
    assert response.status == 404
    assert not violations, describe([{"page": p, **v} for p, vs in violations.items() for v in vs])


@pytest.mark.parametrize("language", ["en", "ar"])
def test_break_the_glass_in_an_emergency_and_the_owner_is_told(
    live_server: Any, page: Any, language: str
) -> None:
    from pharos.cases import actions
    from pharos.persons.actions import person_register

    testing.codelists()
    ngo = testing.organisation("open-door", name="Open Door NGO")
    police = testing.organisation("police", name="City Police", org_type="LawEnforcement")
    worker = testing.member(ngo, "case_worker", email="worker@ngo.example.org")
    officer = testing.member(police, "law_enforcement", email="officer@police.example.org")
    person = person_register(actor=worker, organisation=ngo, first_name="Quokkarina", second_name="Zed")
    case = actions.case_register(
        actor=worker,
        organisation=ngo,
        person=person,
        facts={"registered_on": datetime.date(2025, 1, 1)},
        decision={
            "status": "PossibleVictim",
            "decision_org_type": "NGO",
            "decided_on": datetime.date(2025, 1, 1),
        },
    )
    violations: dict[str, Any] = {}

    sign_in(page, live_server.url, officer.email)
    choose_language(page, language)
    page.goto(f"{live_server.url}/referrals/break-glass/")
    violations["form"] = axe_violations(page)
    page.fill("input[name=reference]", case.reference)
    page.fill("textarea[name=reason]", "She called from a locked flat; the exploiter is on his way")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "Quokkarina" in page.locator("main").inner_text()
    violations["case"] = axe_violations(page)
    page.context.clear_cookies()

    sign_in(page, live_server.url, worker.email)
    choose_language(page, language)
    page.goto(f"{live_server.url}/referrals/notifications/")
    assert case.reference in page.locator("main").inner_text()
    violations["notifications"] = axe_violations(page)
    found = {k: v for k, v in violations.items() if v}
    assert not found, describe([{"page": p, **v} for p, vs in found.items() for v in vs])
