"""The UI shell: language and direction, landmarks and switchers, CSP-safe templates, vendored assets."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

import pyotp
import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from pharos import testing
from pharos.core import errors
from pharos.tenancy.models import Membership

PACKAGE = Path(__file__).resolve().parents[2]
STATIC = PACKAGE / "static"


class _PageAudit(HTMLParser):
    """Collects what a strict Content-Security-Policy would block in one HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.blocked: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        inline = "src" not in found and "nonce" not in found and found.get("type") != "application/json"
        if tag == "script" and inline:
            self.blocked.append("inline <script> without a nonce")
        if tag == "style" and "nonce" not in found:
            self.blocked.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.blocked.append(f"style= on <{tag}>")
            if name.startswith("on") or name.startswith("hx-on"):
                self.blocked.append(f"{name}= handler on <{tag}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.blocked.append(f"javascript: URL on <{tag}>")


def audit(html: str) -> _PageAudit:
    page = _PageAudit()
    page.feed(html)
    return page


def sign_in_with_password(client: Client, email: str) -> None:
    response = client.post("/accounts/login/", {"login": email, "password": testing.PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_login_page_renders_in_english_left_to_right() -> None:
    response = Client().get("/accounts/login/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en" dir="ltr">' in html
    assert "vendor/bootstrap/css/bootstrap.min.css" in html
    assert "bootstrap.rtl.min.css" not in html
    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert '<label class="form-label" for="id_login">' in html
    assert "Forgot your password?" in html
    assert audit(html).blocked == []


@pytest.mark.django_db
def test_arabic_cookie_turns_the_login_page_right_to_left() -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"

    html = client.get("/accounts/login/").content.decode()

    assert '<html lang="ar" dir="rtl">' in html
    assert "vendor/bootstrap/css/bootstrap.rtl.min.css" in html
    assert "vendor/bootstrap/css/bootstrap.min.css" not in html


@pytest.mark.django_db
def test_language_switcher_offers_every_language_in_its_own_name() -> None:
    html = Client().get("/accounts/login/").content.decode()

    assert 'value="ar" lang="ar"' in html
    assert "العربيّة" in html
    assert 'value="ru" lang="ru"' in html
    assert "Русский" in html
    current = re.search(r'<button[^>]*value="en"[^>]*>', html)
    assert current is not None
    assert 'aria-current="true"' in current.group(0)


@pytest.mark.django_db
def test_password_reset_page_is_csp_clean_and_labelled() -> None:
    html = Client().get("/accounts/password/reset/").content.decode()

    assert audit(html).blocked == []
    assert '<label class="form-label" for="id_email">' in html


@pytest.mark.django_db
def test_password_reset_link_leads_to_a_labelled_new_password_form(mailoutbox) -> None:
    org = testing.organisation(country_code="MK")
    user = testing.member(org, "trainer", email="forgetful@a.example.org", two_factor=False)
    client = Client()

    done = client.post("/accounts/password/reset/", {"email": user.email}, follow=True)
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mailoutbox[0].body)
    assert link is not None
    page = client.get(link.group(1), follow=True)

    assert "We have sent you an email" in done.content.decode()
    html = page.content.decode()
    assert page.status_code == 200
    assert audit(html).blocked == []
    assert '<label class="form-label" for="id_password1">' in html
    assert 'id="id_password1_helptext"' in html  # the password rules, tied to the field


@pytest.mark.django_db
def test_failed_sign_in_shows_an_error_summary_first() -> None:
    org = testing.organisation(country_code="MK")
    user = testing.member(org, "trainer", email="trainer@a.example.org", two_factor=False)

    response = Client().post("/accounts/login/", {"login": user.email, "password": "not the password"})

    html = response.content.decode()
    assert response.status_code == 200
    summary = html.index("data-pharos-error-summary")
    assert 'role="alert"' in html[summary - 200 : summary]
    assert summary < html.index('id="id_login"')


@pytest.mark.django_db
def test_two_factor_prompt_renders_under_the_strict_policy() -> None:
    org = testing.organisation(country_code="MK")
    user = testing.member(org, "trainer", email="worker@a.example.org", two_factor=True)
    client = Client()
    sign_in_with_password(client, user.email)

    response = client.get("/accounts/2fa/authenticate/")

    html = response.content.decode()
    assert response.status_code == 200
    assert audit(html).blocked == []
    assert 'for="id_code"' in html


@pytest.mark.django_db
def test_totp_activation_shows_the_qr_code_with_alt_text_and_the_key_as_text() -> None:
    org = testing.organisation(country_code="MK")
    user = testing.member(org, "trainer", email="new@a.example.org", two_factor=False)
    client = Client()
    sign_in_with_password(client, user.email)
    client.post("/accounts/reauthenticate/", {"password": testing.PASSWORD})

    response = client.get("/accounts/2fa/totp/activate/")

    html = response.content.decode()
    assert response.status_code == 200
    page = audit(html)
    assert page.blocked == []
    qr = [attrs for tag, attrs in page.tags if tag == "img" and "pharos-qr" in (attrs.get("class") or "")]
    assert qr
    assert (qr[0]["src"] or "").startswith("data:image/svg+xml;base64,")
    assert "authenticator app" in (qr[0]["alt"] or "")
    shown = re.search(r'data-testid="totp-secret">([^<]+)<', html)
    assert shown is not None
    secret = shown.group(1).replace(" ", "")
    assert len(secret) >= 16
    assert secret not in (qr[0]["alt"] or "")
    # The key shown is the one the server expects: a code from it activates the app.
    response = client.post("/accounts/2fa/totp/activate/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302


@pytest.mark.django_db
def test_recovery_codes_page_renders_under_the_strict_policy() -> None:
    org = testing.organisation(country_code="MK")
    user = testing.member(org, "trainer", email="new@a.example.org", two_factor=False)
    client = Client()
    sign_in_with_password(client, user.email)
    client.post("/accounts/reauthenticate/", {"password": testing.PASSWORD})
    html = client.get("/accounts/2fa/totp/activate/").content.decode()
    secret = re.search(r'data-testid="totp-secret">([^<]+)<', html).group(1).replace(" ", "")  # type: ignore[union-attr]
    client.post("/accounts/2fa/totp/activate/", {"code": pyotp.TOTP(secret).now()})

    response = client.get("/accounts/2fa/recovery-codes/")

    html = response.content.decode()
    assert response.status_code == 200
    assert audit(html).blocked == []
    assert '<label class="form-label" for="recovery_codes">' in html


@pytest.mark.django_db
def test_home_shows_the_acting_organisation_and_its_modules(client_for) -> None:
    org = testing.organisation(country_code="MK", name="School of Magistrates")
    user = testing.member(org, "trainer", email="trainer@a.example.org", two_factor=False)

    html = client_for(user).get("/").content.decode()

    assert "School of Magistrates" in html
    assert "Trainer" in html
    assert '<nav aria-label="Modules">' in html
    assert "Organisations" in html
    assert 'name="membership"' not in html  # one membership: no switcher
    assert "trainer@a.example.org" in html
    assert audit(html).blocked == []


@pytest.mark.django_db
def test_organisation_switcher_appears_with_two_memberships(client_for) -> None:
    first = testing.organisation(country_code="MK", name="First Organisation")
    second = testing.organisation(country_code="MK", name="Second Organisation")
    user = testing.member(first, "trainer", email="two@a.example.org", two_factor=False)
    Membership.objects.create(user=user, organisation=second, role="editor")

    html = client_for(user).get("/").content.decode()

    assert '<label for="pharos-acting-for" class="fw-bold">Acting for</label>' in html
    assert '<select id="pharos-acting-for" name="membership"' in html
    assert html.count("<option ") == 2


@pytest.mark.django_db
def test_user_without_membership_is_told_to_ask_an_administrator(client_for) -> None:
    html = client_for(testing.user(email="alone@example.org")).get("/").content.decode()

    assert "not a member of any organisation" in html
    assert "Ask your administrator" in html


@pytest.mark.django_db
def test_forbidden_page_names_the_role_and_how_to_switch(client_for) -> None:
    first = testing.organisation(country_code="MK", name="First Organisation")
    second = testing.organisation(country_code="MK", name="Second Organisation")
    user = testing.member(first, "trainer", email="two@a.example.org", two_factor=False)
    Membership.objects.create(user=user, organisation=second, role="editor")

    response = client_for(user).get("/jobs/")

    html = response.content.decode()
    assert response.status_code == 403
    assert "Trainer" in html
    assert "does not allow" in html
    assert "Acting for" in html


@pytest.mark.django_db
def test_not_found_page_does_not_say_whether_something_exists(client_for) -> None:
    org = testing.organisation(country_code="MK")
    user = testing.member(org, "trainer", two_factor=False)

    response = client_for(user).get("/no/such/page/")

    assert response.status_code == 404
    assert "or you may not see it" in response.content.decode()


@pytest.mark.django_db
def test_server_error_page_renders_without_the_database() -> None:
    request = RequestFactory().get("/")
    with mock.patch("pharos.tenancy.access.memberships_of", side_effect=RuntimeError("database down")):
        response = errors.server_error(request)

    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert "pharos/pharos.css" in html


@pytest.mark.django_db
def test_set_language_sets_the_cookie_and_redirects_to_a_local_page() -> None:
    response = Client().post("/language/", {"language": "ar", "next": "/accounts/login/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_set_language_never_redirects_off_site(next_url: str) -> None:
    response = Client().post("/language/", {"language": "fr", "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


# Templates only WeasyPrint renders (the person export, the yearbook); no browser applies the CSP.
PDF_ONLY = {"person_export.html", "yearbook.html"}


def _template_files() -> list[Path]:
    found = sorted(PACKAGE.glob("templates/**/*.html")) + sorted(PACKAGE.glob("*/templates/**/*.html"))
    assert found, "no templates found"
    return found


@pytest.mark.parametrize("template", _template_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_templates_hold_nothing_the_content_security_policy_blocks(template: Path) -> None:
    source = template.read_text(encoding="utf-8")
    if template.name in PDF_ONLY:
        return  # rendered by WeasyPrint into a PDF, never served to a browser: its CSS is inline

    for match in re.finditer(r"<script\b[^>]*>", source, flags=re.IGNORECASE):
        tag = match.group(0)
        assert "src=" in tag or "nonce=" in tag or 'type="application/json"' in tag, f"inline script: {tag}"
    assert not re.search(r"<style\b", source, flags=re.IGNORECASE), "a <style> element"
    assert not re.search(r"""\sstyle\s*=\s*["']""", source, flags=re.IGNORECASE), "a style= attribute"
    assert not re.search(r"""\son[a-z]+\s*=\s*["']""", source, flags=re.IGNORECASE), "an inline event handler"
    assert not re.search(r"\shx-on", source, flags=re.IGNORECASE), "hx-on needs eval"


def test_every_vendored_file_is_present_and_unchanged() -> None:
    versions = json.loads((STATIC / "vendor" / "VERSIONS.json").read_text(encoding="utf-8"))

    assert {"bootstrap", "htmx.org", "axe-core"} <= set(versions)
    assert versions["bootstrap"]["version"] == "5.3.8"
    assert versions["htmx.org"]["version"].startswith("2.0.")
    for package in versions.values():
        for path, entry in package["files"].items():
            vendored = STATIC / "vendor" / path
            assert vendored.is_file(), path
            assert hashlib.sha256(vendored.read_bytes()).hexdigest() == entry["sha256"], path


def test_fonts_css_points_only_at_vendored_woff2_files() -> None:
    css = (STATIC / "pharos" / "fonts.css").read_text(encoding="utf-8")

    urls = re.findall(r'url\("([^"]+)"\)', css)
    assert urls
    for url in urls:
        assert url.endswith(".woff2")
        assert (STATIC / "pharos" / url).resolve().is_file(), url
    assert 'font-family: "Noto Sans Arabic"' in css


@pytest.mark.django_db
def test_the_chosen_language_follows_the_user_to_another_browser(client_for) -> None:
    from pharos import testing

    org = testing.organisation("org-lang", country_code="MK")
    user = testing.member(org, "statistician", email="lang@example.org")
    first = client_for(user)
    first.post("/language/", {"language": "fr", "next": "/"})

    other_browser = client_for(user)  # no language cookie
    page = other_browser.get("/organisations/")
    assert 'lang="fr"' in page.content.decode()
    assert page.cookies["pharos_language"].value == "fr"
