"""One person followed through the referral mechanism in a real browser, in English and Arabic.

An NGO worker screens a person known only by an alias, opens a case for her, records her
consent and refers her to a shelter of another organisation with two sections disclosed; the
shelter sees those two sections and nothing else, accepts and reports back; the NGO records
the shelter's service and the recovery and reflection period, and is warned before the period
ends; the worker asks to close the case and a supervisor approves it. Every page on the way is
checked with axe-core.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone, translation

from pharos import testing
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_accessibility import choose_language, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

ALIAS = "Quokka-from-the-port"
SECRET_PLACE = "Room 12 above the Quokka bakery"
UUID = r"[0-9a-f-]{36}"


def said(language: str, text: str) -> str:
    """The text as the page shows it in that language (the catalogue's translation)."""
    with translation.override(language):
        return translation.gettext(text)


def submit(page: Any, selector: str = "main form button[type=submit]") -> None:
    page.locator(selector).first.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_one_person_from_screening_to_supervised_closure(
    live_server: Any, browser: Any, page: Any, language: str
) -> None:
    from pharos.cases.models import CaseState, VictimCase
    from pharos.referrals.models import Referral
    from pharos.screening.models import Screening

    testing.codelists()
    ngo = testing.organisation("open-door", name="Open Door NGO")
    shelter = testing.organisation("safe-house", name="Safe House Shelter")
    worker = testing.member(ngo, "case_worker", email="worker@ngo.example.org")
    supervisor = testing.member(ngo, "supervisor", email="supervisor@ngo.example.org")
    keeper = testing.member(shelter, "service_provider", email="keeper@shelter.example.org")
    base = live_server.url
    today = timezone.localdate()
    violations: dict[str, Any] = {}

    def browser_of(user: Any) -> Any:
        """Another person at another desk: a browser of their own, signed in with their TOTP."""
        context = browser.new_context(locale="en-GB")
        other = context.new_page()
        other.set_default_timeout(15000)
        sign_in(other, base, user.email)
        choose_language(other, language)
        return other

    def check(name: str) -> None:
        found = axe_violations(page)
        if found:
            violations[name] = found

    # 1. Screening, before anything else is known: an alias and the indicators found.
    sign_in(page, base, worker.email)
    choose_language(page, language)
    page.goto(base + "/screening/new/")
    check("screening: choose a list")
    page.select_option("select[name=indicator_list]", "adult_labour")
    submit(page)
    check("screening form")
    page.fill("input[name=alias]", ALIAS)
    for indicator in (
        "deceptive_recruitment.nature_of_job",
        "deceptive_recruitment.wages",
        "exploitative_conditions.excessive_hours",
        "exploitative_conditions.low_salary",
        "coercion_destination.documents",
        "coercion_destination.violence",
    ):
        page.check(f"input[value='{indicator}']")
    submit(page)
    page.wait_for_url(re.compile(rf".*/screening/{UUID}/$"))
    overall = page.locator("[data-testid=screening-overall]").inner_text()
    assert overall == said(
        language, "The indicators meet the combination rule: refer the person for formal identification."
    )
    assert ALIAS in page.locator("main").inner_text()
    check("screening result")
    screening_url = page.url

    # 2. Registration: a case for a new person, then the screening put on it.
    page.goto(base + "/cases/new/")
    page.locator("main form details summary").click()  # "or register a new person with this case"
    page.fill("#id_person-first_name", "Quokkarina")
    page.fill("#id_person-second_name", "Zed")
    # Status (possible victim), the deciding organisation and today's dates come filled in.
    assert page.is_checked("input[name=status][value=PossibleVictim]")
    page.check("input[name=forms_of_exploitation][value=ForcedLabour]")
    submit(page)
    page.wait_for_url(re.compile(rf".*/cases/{UUID}/$"))
    case = VictimCase.objects.unscoped("test").get()
    assert case.organisation == ngo
    check("case page")
    page.goto(screening_url)
    page.fill("input[name=case_reference]", case.reference)
    submit(page, "main form[action$='/attach/'] button[type=submit]")
    assert Screening.objects.unscoped("test").get().case == case
    assert case.reference in page.locator("main dl").inner_text()

    # An exploitation place the shelter must never see.
    from pharos.cases import actions as case_actions

    case_actions.event_add(
        actor=worker, case=case, values={"event_type": "Exploitation", "place": SECRET_PLACE}
    )

    # 3. Consent to refer and to share with the shelter, then the referral with two sections.
    page.goto(f"{base}/cases/{case.public_id}/")
    page.locator(f"a[href$='/referrals/cases/{case.public_id}/consent/']").first.click()
    check("consent")
    for purpose, recipient in (("referral", None), ("sharing", str(shelter.pk))):
        page.select_option("select[name=purpose]", purpose)
        if recipient:
            page.select_option("select[name=recipient]", recipient)
        page.check("input[name=given][value=yes]")
        page.fill("input[name=stated_on]", today.isoformat())
        submit(page)
    page.goto(f"{base}/cases/{case.public_id}/")
    page.locator(f"a[href$='/referrals/cases/{case.public_id}/new/']").first.click()
    check("referral form")
    page.select_option("select[name=recipient]", str(shelter.pk))
    page.check("input[name=sections][value=identity]")
    page.check("input[name=sections][value=status]")
    page.fill("input[name=respond_by]", (today + datetime.timedelta(days=3)).isoformat())
    submit(page, "button[name=send]")
    referral = Referral.objects.unscoped("test").get()
    assert referral.state == "sent"
    check("referral sent")
    worker_page = page

    # 4. The shelter sees the two sections only, accepts, and later reports back.
    page = browser_of(keeper)
    page.goto(base + "/referrals/incoming/")
    check("incoming referrals")
    page.locator("main table a").first.click()
    page.wait_for_load_state()
    body = page.locator("main").inner_text()
    assert "Quokkarina" in body
    assert SECRET_PLACE not in body
    assert ALIAS not in body  # the screening was not disclosed
    assert case.reference not in body
    assert page.locator("[data-section]").evaluate_all("els => els.map(e => e.dataset.section)") == [
        "identity",
        "status",
    ]
    check("disclosed sections")
    page.fill("textarea[name=text]", "A bed is ready tonight.")
    submit(page, "main form button[formaction$='/accept/']")
    page.fill("textarea[name=text]", "She stayed with us and moved on to her own flat.")
    submit(page, "main form[action$='/complete/'] button[type=submit]")
    referral.refresh_from_db()
    assert referral.state == "completed"
    for path in (
        f"/cases/{case.public_id}/",
        f"/assistance/case/{case.public_id}/",
        f"/screening/{Screening.objects.unscoped('test').get().public_id}/",
    ):
        response = page.goto(base + path)
        assert response is not None
        assert response.status == 404, path
    page.context.close()

    # 5. Back at the NGO: the shelter's service and the reflection period, which is ending.
    page = worker_page
    page.goto(f"{base}/referrals/outgoing/")
    page.locator("main table a").first.click()
    page.wait_for_load_state()
    assert "She stayed with us" in page.locator("main").inner_text()  # the shelter's feedback
    check("referral with feedback")
    page.goto(f"{base}/assistance/case/{case.public_id}/service/new/")
    check("service form")
    page.select_option("select[name=service_type]", "shelter")
    page.select_option("select[name=provider]", shelter.code)
    page.fill("input[name=started_on]", (today - datetime.timedelta(days=25)).isoformat())
    page.select_option("select[name=outcome]", "completed")
    submit(page)
    page.wait_for_url(re.compile(rf".*/assistance/case/{case.public_id}/$"))
    assert "Safe House Shelter" in page.locator("main").inner_text()
    page.goto(f"{base}/assistance/case/{case.public_id}/reflection-period/new/")
    check("reflection period form")
    assert page.input_value("input[name=duration_days]") == "30"  # the default rule: at least 30 days
    page.fill("input[name=started_on]", (today - datetime.timedelta(days=25)).isoformat())
    submit(page)
    page.wait_for_url(re.compile(rf".*/assistance/case/{case.public_id}/$"))
    warning = page.locator("[data-testid=reflection-warning]")
    assert warning.count() == 1
    from pharos.assistance.models import ReflectionPeriod

    period = ReflectionPeriod.objects.unscoped("test").get()
    assert (period.duration_days, period.warning_days) == (30, 7)
    days_left = (period.ends_on - today).days
    assert 0 < days_left <= 7
    assert f" {days_left} " in warning.inner_text()
    check("pathway with the warning")
    page.goto(f"{base}/cases/{case.public_id}/")
    assert page.locator("[data-testid=reflection-warning]").count() == 1  # on the case page too
    page.goto(f"{base}/assistance/due/")
    assert case.reference in page.locator("main").inner_text()
    check("due dates")

    # 6. The worker asks to close the case; she cannot close it herself.
    page.goto(f"{base}/casework/cases/{case.public_id}/")
    check("case work page")
    page.locator(f"a[href$='/casework/cases/{case.public_id}/close/']").click()
    page.wait_for_load_state()
    check("closure request")
    page.select_option("select[name=reason]", "goals_reached")
    submit(page)
    case.refresh_from_db()
    assert case.state == CaseState.CLOSURE_REQUESTED
    assert page.locator("main a[href*='/casework/closures/']").count() == 0  # no "decide" link for her

    # 7. The supervisor approves; the case is closed and leaves the worker's caseload.
    page = browser_of(supervisor)
    page.goto(base + "/casework/closures/")
    check("closures to decide")
    page.locator("main table a", has_text=case.reference).click()
    page.wait_for_load_state()
    check("closure decision")
    page.check("input[name=decision][value=approve]")
    submit(page)
    page.wait_for_url(re.compile(rf".*/casework/cases/{case.public_id}/$"))
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    page.goto(base + "/casework/closures/")
    assert case.reference not in page.locator("main").inner_text()
    page.context.close()

    page = worker_page
    page.goto(base + "/casework/")
    assert case.reference not in page.locator("main").inner_text()
    assert page.get_attribute("html", "lang") == language
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    assert not violations, describe([{"page": p, **v} for p, vs in violations.items() for v in vs])
