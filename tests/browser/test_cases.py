"""axe-core finds no serious or critical violation on the victim-case and criminal-justice pages."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from pharos import testing
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_accessibility import choose_language, scan, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_case_and_justice_pages(live_server: Any, page: Any, language: str) -> None:
    from pharos.cases import actions
    from pharos.cases.models import Defendant
    from pharos.persons.actions import person_register

    testing.codelists()
    cast = testing.cast()
    police = testing.member(cast.org_a, "law_enforcement", email="police@a.example.org")
    person = person_register(actor=cast.owner, organisation=cast.org_a, first_name="Axe", second_name="Scan")
    case = actions.case_register(
        actor=cast.owner,
        organisation=cast.org_a,
        person=person,
        facts={"registered_on": datetime.date(2025, 1, 1), "forms_of_exploitation": ["ForcedLabour"]},
        decision={
            "status": "PossibleVictim",
            "decision_org_type": "NGO",
            "decided_on": datetime.date(2025, 1, 1),
        },
    )
    actions.event_add(actor=cast.owner, case=case, values={"event_type": "Recruitment", "place": "Axe town"})
    actions.perpetrator_account_add(
        actor=cast.owner, case=case, values={"roles": ["Exploiter"], "sex": "male"}
    )
    suspect = actions.suspect_register(actor=police, organisation=cast.org_a, values={"sex": "male"})
    proceeding = actions.proceeding_record(
        actor=police, organisation=cast.org_a, values={"stage": "trial"}, suspects=[suspect], cases=[case]
    )

    sign_in(page, live_server.url, cast.owner.email)
    choose_language(page, language)
    cid = case.public_id
    paths = [
        "/cases/",
        "/cases/?status=PossibleVictim&form=ForcedLabour",
        "/cases/new/",
        f"/cases/{cid}/",
        f"/cases/{cid}/edit/",
        f"/cases/{cid}/status/",
        f"/cases/{cid}/events/new/",
        f"/cases/{cid}/perpetrators/new/",
        f"/cases/{cid}/history/",
    ]
    found = scan(page, live_server.url, paths)
    page.goto(live_server.url + "/cases/new/")
    page.locator("main form button[type=submit]").first.click()  # nothing filled in: errors shown
    page.wait_for_load_state()
    assert page.locator("[role=alert]").count() >= 1
    violations = axe_violations(page)
    if violations:
        found["/cases/new/ (errors)"] = violations
    page.context.clear_cookies()

    sign_in(page, live_server.url, police.email)
    choose_language(page, language)
    pid = proceeding.public_id
    defendant = Defendant.objects.unscoped("test").get()
    found.update(
        scan(
            page,
            live_server.url,
            [
                "/justice/suspects/",
                "/justice/suspects/new/",
                f"/justice/suspects/{suspect.public_id}/",
                f"/justice/suspects/{suspect.public_id}/edit/",
                "/justice/proceedings/",
                "/justice/proceedings/new/",
                f"/justice/proceedings/{pid}/",
                f"/justice/proceedings/{pid}/edit/",
                f"/justice/proceedings/{pid}/defendants/{defendant.public_id}/",
                f"/justice/proceedings/{pid}/history/",
            ],
        )
    )
    assert not found, describe([{"page": p, **v} for p, vs in found.items() for v in vs])
