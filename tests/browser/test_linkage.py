"""Record linkage in a real browser: confirm a pair in the review queue (htmx), and the
"also known to organisation X" line on a person page; no serious axe finding."""

from __future__ import annotations

import os
from typing import Any

import pytest

from pharos.linkage.models import PairDecision, PairState
from pharos.linkage.tests.test_pages import World
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_persons import signed_in_page

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("PHAROS_SCREENSHOTS", "")


def check(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"linkage-{name}.png"), full_page=True)
    violations = axe_violations(page)
    assert not violations, f"{name}: {describe(violations)}"


def test_confirm_a_pair_in_the_review_queue(live_server: Any, browser: Any) -> None:
    world = World()
    base = live_server.url
    page = signed_in_page(browser, base, world.coordinator)
    page.goto(base + "/linkage/review/")
    card = page.locator(f"#pair-{world.inside.public_id}")
    # The coordinator may see both police records: side by side.
    assert "Yuliya" in card.inner_text()
    assert "Iuliia" in card.inner_text()
    # Not the shelter's record: its organisation only.
    other = page.locator(f"#pair-{world.across.public_id}")
    assert "Shelter MK" in other.inner_text()
    assert "Julija" not in page.inner_text("main")
    check(page, "review")

    card.get_by_role("button", name="Same person").click()
    confirmed = page.locator(f"#pair-{world.inside.public_id}")
    confirmed.get_by_text("The next run respects this decision.").wait_for()
    assert "Same person" in confirmed.locator(".badge").inner_text()
    assert page.url == base + "/linkage/review/"  # htmx swapped the card in place
    decision = PairDecision.objects.get()
    assert (decision.person_a_id, decision.person_b_id, decision.verdict) == (
        world.p1.pk,
        world.p2.pk,
        "confirm",
    )
    world.inside.refresh_from_db()
    assert world.inside.state == PairState.CONFIRMED
    check(page, "review-decided")

    # The filter (htmx) shows the decided pair among the confirmed ones.
    page.select_option("#id_state", "confirmed")
    page.locator(f"#pair-{world.across.public_id}").wait_for(state="detached")
    assert page.locator(f"#review-results #pair-{world.inside.public_id}").count() == 1
    assert "state=confirmed" in page.url  # the filter is in the address, for the back button


def test_also_known_to_shows_only_the_organisation(live_server: Any, browser: Any) -> None:
    world = World()
    base = live_server.url
    page = signed_in_page(browser, base, world.worker)
    page.goto(f"{base}/persons/{world.s1.public_id}/")
    section = page.locator("#also-known-to")
    assert "Also known to Police MK" in section.inner_text()
    body = page.inner_text("main")
    assert "Iuliia" not in body
    assert world.p1.reference not in body
    check(page, "also-known-to")


def test_runs_and_project_pages_pass_axe(live_server: Any, browser: Any) -> None:
    world = World()
    base = live_server.url
    page = signed_in_page(browser, base, world.coordinator)
    page.goto(base + "/linkage/")
    assert page.get_by_role("button", name="Start the run").is_visible()
    check(page, "runs")
    page.goto(f"{base}/linkage/runs/{world.run.public_id}/")
    assert "1 records were merged" in page.inner_text("#merged-summary")
    check(page, "run")
    page.goto(base + "/linkage/projects/new/")
    page.fill("#id_name", "MK count")
    page.fill("#id_key_custodian", "Shelter MK")
    page.get_by_label("Police MK").check()
    page.get_by_label("Shelter MK").check()
    page.get_by_role("button", name="Create the project").click()
    page.get_by_role("heading", name="MK count").wait_for()
    assert "Not uploaded" in page.inner_text("main")
    check(page, "project")
