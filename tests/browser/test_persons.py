"""The persons pages in a real browser: register, find, see, change, erase; no serious axe finding."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from pharos import testing
from tests.browser.conftest import axe_violations, describe

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("PHAROS_SCREENSHOTS", "")


def signed_in_page(browser: Any, base: str, user: Any) -> Any:
    """A browser page with the user's session (the sign-in pages have their own tests)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="en-GB")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def check(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"persons-{name}.png"), full_page=True)
    violations = axe_violations(page)
    assert not violations, f"{name}: {describe(violations)}"


def test_register_find_change_and_erase_a_person(live_server: Any, browser: Any) -> None:
    org = testing.organisation("org-a", country_code="MK", name="Organisation A")
    testing.country("AL", "Albania")
    worker = testing.member(org, "case_worker", email="worker@a.example.org")
    admin = testing.member(org, "national_coordinator", email="coordinator@a.example.org")
    base = live_server.url
    page = signed_in_page(browser, base, worker)

    page.goto(base + "/persons/new/")
    page.locator("main form button[type=submit]").click()  # nothing given: the summary says what to do
    summary = page.locator("[data-pharos-error-summary]")
    assert "at least a first name, a family name or an alias" in summary.inner_text()
    check(page, "form-errors")

    page.fill("#id_first_name", "Ana María")
    page.fill("#id_second_name", "Petrovska")
    page.fill("#id_aliases", "Ani")
    page.fill("#id_birth_date", "1999-04-12")
    page.select_option("#id_gender", "Feminine")
    page.select_option("#id_citizenships", ["MK", "AL"])
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/persons/[0-9a-f-]{36}/$"))
    assert "Ana María Petrovska" in page.inner_text("h1")
    assert "was registered" in page.inner_text("body")
    check(page, "detail")
    detail_url = page.url

    page.goto(base + "/persons/")
    page.fill("#id_q", "ana maria  PETROVSKA")
    page.locator("form[role=search] button[type=submit]").click()
    assert "1 person matches the search" in page.inner_text("table caption")
    check(page, "list-search")

    page.goto(detail_url + "edit/")
    page.fill("#id_second_name", "Petrovski")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(detail_url)
    assert "Petrovski" in page.inner_text("h1")

    page.goto(detail_url + "history/")
    assert "A person record was viewed" in page.inner_text("table")
    check(page, "history")

    admin_page = signed_in_page(browser, base, admin)
    admin_page.goto(detail_url + "erase/")
    assert "Petrovsk" not in admin_page.inner_text("body")
    check(admin_page, "erase")
    reference = admin_page.locator("main p bdi.pharos-code").first.inner_text()
    admin_page.fill("#id_reference", reference)
    admin_page.locator("main form button[type=submit]").click()
    assert "was erased" in admin_page.inner_text("body")

    page.goto(detail_url)
    assert "[erased]" in page.inner_text("h1")
    assert "Ana" not in page.inner_text("main")
