"""The statistics dashboard in a real browser: charts render under the CSP, axe finds nothing serious."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from pharos import testing
from pharos.cases import actions
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_accessibility import choose_language, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _victims(cast: testing.Cast) -> None:
    testing.codelists()
    for n, (gender, age, forms) in enumerate(
        [("Feminine", 16, ["SexualExploitation"]), ("Masculine", 34, ["ForcedLabour"]), ("Feminine", 25, [])]
    ):
        actions.case_register(
            actor=cast.owner,
            organisation=cast.org_a,
            new_person={"first_name": f"P{n}", "gender": gender, "citizenships": ["MK"]},
            facts={
                "registered_on": datetime.date(2025, 3, 1),
                "age_at_identification": age,
                "forms_of_exploitation": forms,
            },
            decision={
                "status": "ActualVictim",
                "decision_org_type": "NGO",
                "decided_on": datetime.date(2025, 3, 1),
            },
        )


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_dashboard_renders_charts_and_passes_axe(live_server: Any, page: Any, language: str) -> None:
    cast = testing.cast()
    _victims(cast)
    testing.member(cast.org_a, "national_coordinator", email="coordinator@a.example.org")
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, live_server.url, "coordinator@a.example.org")
    choose_language(page, language)
    page.goto(live_server.url + "/statistics/")
    page.wait_for_selector("[data-spec='spec-status'] svg")
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    label = page.get_attribute("[data-chart='status']", "aria-label")
    assert label
    assert "3" in label
    assert page.locator("[data-spec='spec-citizenship-map'] svg path").count() > 100  # the world map drew
    assert not [e for e in errors if "Content Security Policy" in e or "EvalError" in e], errors
    violations = axe_violations(page)
    assert not violations, describe(violations)
