"""The public portal (no sign-in): a published release's page, in English and Arabic, passes axe
and reads right to left in Arabic; an unpublished release is not reachable."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from pharos import testing
from tests.browser.conftest import axe_violations, describe

pytestmark = pytest.mark.django_db(transaction=True)


def _published() -> Any:
    from pharos.cases import actions as case_actions
    from pharos.jobs import runner
    from pharos.jobs.models import Job
    from pharos.releases import actions
    from pharos.releases.models import Release
    from pharos.tenancy.access import resolve_acting, set_acting

    testing.codelists()
    cast = testing.cast()
    statistician = testing.member(cast.org_a, "statistician")
    coordinator = testing.member(cast.org_a, "national_coordinator")
    for user in (cast.owner, statistician, coordinator):
        set_acting(user, resolve_acting(user, None))
    for n in range(30):
        case_actions.case_register(
            actor=cast.owner,
            organisation=cast.org_a,
            new_person={
                "first_name": f"P{n}",
                "gender": "Feminine" if n % 3 else "Masculine",
                "citizenships": ["MK"],
            },
            facts={
                "registered_on": datetime.date(2024, 3, 1),
                "age_at_identification": 16 + n,
                "country_of_exploitation": "MK",
            },
            decision={
                "status": "ActualVictim",
                "decision_org_type": "NGO",
                "decided_on": datetime.date(2024, 3, 1),
            },
        )
    draft = actions.release_start(
        actor=statistician, title="Draft release", method="suppression", parameters={}, enqueue=False
    )
    runner.execute(Job.objects.unscoped("test").get(pk=draft.job_id))
    release = actions.release_start(
        actor=statistician, title="Victims 2024", method="suppression", parameters={}, enqueue=False
    )
    runner.execute(Job.objects.unscoped("test").get(pk=release.job_id))
    release = Release.objects.unscoped("test").get(pk=release.pk)
    actions.release_approve(actor=coordinator, release=release)
    actions.release_publish(actor=coordinator, release=release)
    return release, draft


@pytest.mark.parametrize("language", ["en", "ar"])
def test_public_portal(live_server: Any, page: Any, language: str) -> None:
    release, draft = _published()
    base = live_server.url
    page.goto(base + "/publications/")
    page.context.add_cookies([{"name": "pharos_language", "value": language, "url": base + "/"}])
    found = {}
    for path in ["/publications/", f"/publications/{release.public_id}/"]:
        page.goto(base + path)
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert not found, describe([{"page": p, **v} for p, vs in found.items() for v in vs])
    assert page.get_attribute("html", "lang") == language
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    assert page.locator("table caption").count() >= 5
    page.wait_for_selector("[data-spec] svg")  # the vendored Vega-Lite drew the charts, offline
    page.goto(base + "/publications/")
    assert page.get_by_text("Victims 2024").count() == 1
    assert page.get_by_text("Draft release").count() == 0
    response = page.goto(base + f"/publications/{draft.public_id}/")
    assert response is not None
    assert response.status == 404
