"""Two-factor sign-in is mandatory for roles that reach personal data, and its set-up is audited."""

from __future__ import annotations

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.test import Client

from pharos import testing
from pharos.accounts.tests.conftest import LOGIN_URL, sign_in
from pharos.audit.models import AuditEvent
from pharos.tenancy.models import Membership

pytestmark = pytest.mark.django_db

ACTIVATE_URL = "/accounts/2fa/totp/activate/"
REAUTH_URL = "/accounts/reauthenticate/"
DEACTIVATE_URL = "/accounts/2fa/totp/deactivate/"


@pytest.fixture
def newcomer() -> testing.Cast:
    """A case worker who has never set up an authenticator app."""
    org = testing.organisation("org-new", name="New NGO")
    testing.member(org, "case_worker", email="new@ngo.example.org", two_factor=False)
    return org


def reauthenticate(client: Client) -> None:
    """allauth asks for the password again before an authenticator is added (a stolen session cannot)."""
    response = client.get(ACTIVATE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(REAUTH_URL)
    response = client.post(response["Location"], {"password": testing.PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE_URL


def password_only(email: str) -> Client:
    client = Client()
    response = client.post(LOGIN_URL, {"login": email, "password": testing.PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"  # no code asked: there is no authenticator yet
    return client


@pytest.mark.parametrize("path", ["/", "/organisations/", "/me/tokens/", "/jobs/"])
def test_a_case_worker_without_an_authenticator_is_sent_to_set_it_up(newcomer: object, path: str) -> None:
    client = password_only("new@ngo.example.org")

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == ACTIVATE_URL


def test_the_set_up_page_and_sign_out_stay_reachable(newcomer: object) -> None:
    client = password_only("new@ngo.example.org")
    reauthenticate(client)

    assert client.get(ACTIVATE_URL).status_code == 200
    assert client.get("/health/").status_code == 200
    assert client.post("/language/", {"language": "fr", "next": "/"}).status_code == 302
    assert client.post("/accounts/logout/").status_code == 302


def test_the_api_answers_403_until_two_factor_is_set_up(newcomer: object) -> None:
    client = password_only("new@ngo.example.org")

    response = client.get("/api/me")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "two-factor" in response.json()["detail"]


def test_htmx_requests_are_told_to_load_the_set_up_page(newcomer: object) -> None:
    client = password_only("new@ngo.example.org")

    response = client.get("/", headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == ACTIVATE_URL


def test_a_role_without_personal_data_is_not_forced(cast: testing.Cast) -> None:
    testing.member(cast.org_a, "statistician", email="stats@a.example.org", two_factor=False)
    client = password_only("stats@a.example.org")

    assert client.get("/").status_code == 200
    assert client.get("/api/me").status_code == 200


def test_a_second_membership_with_personal_data_is_enough_to_require_it(cast: testing.Cast) -> None:
    stats = testing.member(cast.org_a, "statistician", email="stats@a.example.org", two_factor=False)
    # The same user also works as a case worker in organisation B.
    Membership.objects.create(user=stats, organisation=cast.org_b, role="case_worker")
    client = password_only("stats@a.example.org")

    assert client.get("/")["Location"] == ACTIVATE_URL


def test_activating_totp_opens_the_pages_and_is_audited(
    newcomer: object, django_capture_on_commit_callbacks: object
) -> None:
    client = password_only("new@ngo.example.org")
    reauthenticate(client)
    client.get(ACTIVATE_URL)
    secret = client.session[SECRET_SESSION_KEY]

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post(ACTIVATE_URL, {"code": pyotp.TOTP(secret).now()})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user__email="new@ngo.example.org", type="totp").exists()
    assert client.get("/").status_code == 200
    kinds = sorted(e.data["kind"] for e in AuditEvent.objects.filter(action="accounts.two_factor.activated"))
    assert kinds == ["recovery_codes", "totp"]


def test_deactivating_totp_is_audited_and_sends_back_to_set_up(cast: testing.Cast) -> None:
    client = Client()
    sign_in(client, "owner@a.example.org")

    response = client.post(DEACTIVATE_URL)
    assert response["Location"].startswith(REAUTH_URL)  # the password again first
    assert Authenticator.objects.filter(user=cast.owner, type="totp").exists()

    # allauth resumes the suspended request once the password is given.
    response = client.post(response["Location"], {"password": testing.PASSWORD})

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=cast.owner, type="totp").exists()
    assert AuditEvent.objects.filter(action="accounts.two_factor.deactivated", actor=cast.owner).exists()
    assert client.get("/")["Location"] == ACTIVATE_URL
