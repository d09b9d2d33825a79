"""axe-core finds no serious or critical WCAG 2.2 A/AA violation on any page, in English and Arabic."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest

from pharos import testing
from tests.browser.conftest import axe_violations, describe

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Any, base: str, email: str) -> None:
    """Password, then the TOTP code, as a person signs in.

    Every test user shares one TOTP secret and a code is accepted once per user: when the code
    step comes back (the code was just used), the next code is typed, as a person would.
    """
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", testing.PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    totp = pyotp.TOTP(testing.TOTP_SECRET)
    for attempt in range(2):
        page.fill("input[name=code]", totp.now())
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
        if page.url == base + "/" or page.locator("input[name=code]").count() == 0:
            break
        if attempt == 0:
            time.sleep(totp.interval - time.time() % totp.interval + 1)
    try:
        page.wait_for_url(base + "/")
    except Exception as exc:
        shown = page.locator("body").inner_text()[:600] if page.locator("body").count() else ""
        raise AssertionError(f"signing in {email} stopped at {page.url}: {shown}") from exc


def choose_language(page: Any, language: str) -> None:
    origin = "/".join(page.url.split("/")[:3])
    page.context.add_cookies([{"name": "pharos_language", "value": language, "url": origin + "/"}])


def scan(page: Any, base: str, paths: list[str]) -> dict[str, Any]:
    found = {}
    for path in paths:
        page.goto(base + path)
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    return found


@pytest.mark.parametrize("language", ["en", "ar"])
def test_signed_out_pages(live_server: Any, page: Any, language: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    choose_language(page, language)
    paths = ["/accounts/login/", "/accounts/password/reset/", "/no-such-page/", "/api/docs"]
    found = scan(page, live_server.url, paths)
    page.goto(live_server.url + "/accounts/login/")
    assert page.get_attribute("html", "lang") == language
    assert not found, describe([{"page": p, **v} for p, vs in found.items() for v in vs])


@pytest.mark.parametrize("language", ["en", "ar"])
def test_case_worker_pages(live_server: Any, page: Any, language: str) -> None:
    from pharos.jobs.models import Job
    from pharos.persons.actions import person_register

    cast = testing.cast()
    person = person_register(
        actor=cast.owner, organisation=cast.org_a, first_name="Axe", second_name="Scan", gender="Feminine"
    )
    job = Job.objects.unscoped("test").create(
        kind="audit.verify", organisation=cast.org_a, created_by=cast.owner
    )

    sign_in(page, live_server.url, cast.owner.email)
    choose_language(page, language)
    pid = person.public_id
    paths = [
        "/",
        "/persons/",
        "/persons/new/",
        f"/persons/{pid}/",
        f"/persons/{pid}/edit/",
        f"/persons/{pid}/history/",
        "/organisations/",
        f"/organisations/{cast.org_a.public_id}/",
        "/jobs/",
        f"/jobs/{job.public_id}/",
        "/me/tokens/",
        "/accounts/2fa/",
        "/accounts/2fa/recovery-codes/",
        "/api/docs",
        "/audit/",  # forbidden for a case worker: the 403 page itself must be accessible
    ]
    found = scan(page, live_server.url, paths)
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    assert not found, describe([{"page": p, **v} for p, vs in found.items() for v in vs])


@pytest.mark.parametrize("language", ["en", "ar"])
def test_form_with_errors_and_auditor_pages(live_server: Any, page: Any, language: str) -> None:
    org = testing.organisation("org-a", country_code="MK", name="Organisation A")
    auditor = testing.member(org, "auditor", email="auditor@a.example.org")
    worker = testing.member(org, "case_worker", email="worker@a.example.org")

    sign_in(page, live_server.url, auditor.email)
    choose_language(page, language)
    found = scan(page, live_server.url, ["/audit/"])
    page.context.clear_cookies()

    sign_in(page, live_server.url, worker.email)
    choose_language(page, language)
    page.goto(live_server.url + "/persons/new/")
    page.locator("main form button[type=submit]").first.click()  # nothing filled in: errors shown
    page.wait_for_load_state()
    assert page.locator("[role=alert]").count() >= 1
    violations = axe_violations(page)
    if violations:
        found["/persons/new/ (errors)"] = violations
    assert not found, describe([{"page": p, **v} for p, vs in found.items() for v in vs])
