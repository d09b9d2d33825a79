"""Sign-in with two-factor, first-time enrolment, and the Arabic right-to-left layout."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest

from pharos import testing

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Any, base: str, email: str, password: str = testing.PASSWORD) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()


def test_sign_in_asks_for_the_authenticator_code(live_server: Any, page: Any) -> None:
    org = testing.organisation("org-a", country_code="MK", name="Organisation A")
    user = testing.member(org, "case_worker", email="worker@a.example.org")

    sign_in(page, live_server.url, user.email)
    page.wait_for_url(re.compile(r".*/2fa/authenticate/.*"))
    page.fill("input[name=code]", pyotp.TOTP(testing.TOTP_SECRET).now())
    page.locator("main form button[type=submit]").first.click()

    page.wait_for_url(live_server.url + "/")
    assert "Organisation A" in page.inner_text("body")


def test_wrong_code_keeps_the_door_shut(live_server: Any, page: Any) -> None:
    org = testing.organisation("org-a", country_code="MK")
    user = testing.member(org, "case_worker", email="worker@a.example.org")

    sign_in(page, live_server.url, user.email)
    page.wait_for_url(re.compile(r".*/2fa/authenticate/.*"))
    page.fill("input[name=code]", "000000")
    page.locator("main form button[type=submit]").first.click()

    assert "/2fa/authenticate/" in page.url
    page.goto(live_server.url + "/persons/")
    # Still not signed in: sent back to sign-in, which resumes at the code step.
    assert "/accounts/" in page.url
    assert page.locator("input[name=code]").count() == 1


def test_first_sign_in_enrols_an_authenticator(live_server: Any, page: Any) -> None:
    org = testing.organisation("org-a", country_code="MK", name="Organisation A")
    user = testing.member(org, "case_worker", email="new@a.example.org", two_factor=False)

    sign_in(page, live_server.url, user.email)
    page.wait_for_url(re.compile(r".*/(reauthenticate|2fa/totp/activate)/.*"))
    if "/reauthenticate/" in page.url:
        # allauth asks for the password again before an authenticator is added.
        page.fill("input[name=password]", testing.PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url(re.compile(r".*/2fa/totp/activate/.*"))
    secret = page.get_by_test_id("totp-secret").inner_text().strip().replace(" ", "")
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.locator("main form button[type=submit]").first.click()

    page.goto(live_server.url + "/")
    assert page.url == live_server.url + "/"
    assert "Organisation A" in page.inner_text("body")


def test_arabic_turns_the_page_right_to_left(live_server: Any, page: Any) -> None:
    org = testing.organisation("org-a", country_code="MK")
    user = testing.member(org, "case_worker", email="worker@a.example.org")
    sign_in(page, live_server.url, user.email)
    page.fill("input[name=code]", pyotp.TOTP(testing.TOTP_SECRET).now())
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/")

    page.locator("form[action$='/language/'] button[value=ar]").click()

    page.wait_for_load_state()
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "ar"
    assert "bootstrap.rtl.min.css" in page.content()
    # The choice is remembered: a new page load stays in Arabic.
    page.goto(live_server.url + "/persons/")
    assert page.get_attribute("html", "dir") == "rtl"
