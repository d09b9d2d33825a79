"""Idle sessions end, security headers are on every page, CSRF protects posts (htmx included)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from pharos import testing
from pharos.accounts.tests.conftest import LOGIN_URL, sign_in

pytestmark = pytest.mark.django_db


def test_sessions_expire_when_idle() -> None:
    assert 0 < settings.SESSION_COOKIE_AGE <= 60 * 60
    assert 0 < settings.PHAROS_SESSION_SLIDE_SECONDS <= 120


def test_pages_within_the_same_minute_do_not_write_the_session(cast: testing.Cast) -> None:
    client = Client()
    sign_in(client, "owner@a.example.org")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/").status_code == 200
    fresh = Session.objects.get(session_key=key).expire_date

    assert client.get("/").status_code == 200

    assert Session.objects.get(session_key=key).expire_date == fresh


def test_a_session_idle_for_longer_than_the_limit_is_refused(cast: testing.Cast) -> None:
    client = Client()
    sign_in(client, "owner@a.example.org")
    assert client.get("/").status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_a_request_slides_the_expiry_forward(cast: testing.Cast) -> None:
    client = Client()
    sign_in(client, "owner@a.example.org")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    soon = timezone.now() + timedelta(seconds=30)
    Session.objects.filter(session_key=key).update(expire_date=soon)

    assert client.get("/").status_code == 200

    assert Session.objects.get(session_key=key).expire_date > soon


def test_signing_in_does_not_offer_to_be_remembered(cast: testing.Cast) -> None:
    page = Client().get(LOGIN_URL).content.decode()

    assert 'name="remember"' not in page


def test_security_headers_are_on_pages(cast: testing.Cast) -> None:
    client = Client()
    sign_in(client, "owner@a.example.org")

    pages = [(client, "/"), (client, "/organisations/"), (client, "/me/tokens/"), (Client(), LOGIN_URL)]
    for browser, path in pages:
        response = browser.get(path)
        assert response.status_code == 200, path
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "object-src 'none'" in csp
        assert "frame-ancestors 'none'" in csp
        script_src = re.search(r"script-src ([^;]+)", csp).group(1)
        assert "'unsafe-inline'" not in script_src
        assert "'unsafe-eval'" not in script_src
        assert "style-src 'self'" in csp
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        # Any nonce a page uses must be the one the header allows.
        html = response.content.decode()
        for nonce in re.findall(r'nonce="([^"]+)"', html):
            assert f"'nonce-{nonce}'" in script_src, path
        for script in re.findall(r"<script\b[^>]*>", html):
            assert 'src="/static/' in script or "nonce=" in script, script


def test_a_nonce_used_on_a_page_is_allowed_by_its_policy(rf: object) -> None:
    from django.middleware.csp import ContentSecurityPolicyMiddleware
    from django.template import engines
    from django.template.response import TemplateResponse

    template = engines["django"].from_string('<script nonce="{{ csp_nonce }}">1</script>')

    def view(request: object) -> TemplateResponse:
        return TemplateResponse(request, template)  # type: ignore[arg-type]

    request = rf.get("/")  # type: ignore[attr-defined]
    response = ContentSecurityPolicyMiddleware(lambda r: view(r).render())(request)
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)

    assert f"script-src 'self' 'nonce-{nonce}'" in response["Content-Security-Policy"]


def test_a_post_without_a_csrf_token_is_refused_and_htmx_header_is_accepted(cast: testing.Cast) -> None:
    signed_in = Client()
    sign_in(signed_in, "owner@a.example.org")
    client = Client(enforce_csrf_checks=True)
    client.cookies = signed_in.cookies
    home = client.get("/").content.decode()
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', home).group(1)
    membership = str(cast.owner.memberships.get().public_id)

    refused = client.post("/organisations/switch/", {"membership": membership})
    accepted = client.post(
        "/organisations/switch/",
        {"membership": membership},
        headers={"X-CSRFToken": token, "HX-Request": "true"},
    )

    assert refused.status_code == 403
    assert accepted.status_code == 302
