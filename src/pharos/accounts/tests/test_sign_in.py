"""Signing in with a password and an authenticator code; lockout; sign-out; the audit entries."""

from __future__ import annotations

import pyotp
import pytest
from django.test import Client

from pharos import testing
from pharos.accounts.tests.conftest import CODE_URL, LOGIN_URL, sign_in, totp_code
from pharos.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_password_then_code_reaches_the_home_page(cast: testing.Cast) -> None:
    client = Client()
    response = client.post(LOGIN_URL, {"login": "owner@a.example.org", "password": testing.PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == CODE_URL
    # Between the two steps the session is not signed in: pages still send to the sign-in page.
    assert client.get("/")["Location"].startswith(LOGIN_URL)

    response = client.post(CODE_URL, {"code": pyotp.TOTP(testing.TOTP_SECRET).now()}, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert response.status_code == 200
    assert response.wsgi_request.user == cast.owner
    [signed_in] = events("accounts.user.signed_in")
    assert signed_in.actor == cast.owner
    assert signed_in.data == {"methods": ["password", "mfa:totp"]}


def test_a_wrong_code_stays_on_the_code_page(cast: testing.Cast) -> None:
    client = Client()
    client.post(LOGIN_URL, {"login": "owner@a.example.org", "password": testing.PASSWORD})
    wrong = "000000" if totp_code() != "000000" else "111111"

    response = client.post(CODE_URL, {"code": wrong})

    assert response.status_code == 200
    assert response.wsgi_request.path == CODE_URL
    assert not response.wsgi_request.user.is_authenticated
    assert client.get("/")["Location"].startswith(LOGIN_URL)
    failed = events("accounts.user.sign_in_failed")
    assert [(e.target_id, e.data["stage"]) for e in failed] == [(str(cast.owner.public_id), "second_factor")]


def test_a_wrong_password_is_audited_without_the_address_or_password(cast: testing.Cast) -> None:
    response = Client().post(LOGIN_URL, {"login": "owner@a.example.org", "password": "not my password"})

    assert response.status_code == 200
    [failed] = events("accounts.user.sign_in_failed")
    assert failed.data == {"email": "…@a.example.org", "stage": "password"}
    assert failed.actor is None
    assert failed.actor_label == "anonymous"
    assert failed.target_id == str(cast.owner.public_id)
    stored = str(AuditEvent.objects.filter(pk=failed.pk).values().get())
    assert "owner@" not in stored
    assert "not my password" not in stored


def test_a_password_typed_into_the_address_field_is_not_kept(cast: testing.Cast) -> None:
    Client().post(LOGIN_URL, {"login": "hunter2-secret@", "password": "x"})
    Client().post(LOGIN_URL, {"login": "nobody@unknown.example", "password": "whatever-1234"})

    assert "hunter2" not in str(list(AuditEvent.objects.values("data")))
    unknown = events("accounts.user.sign_in_failed")[-1]
    assert unknown.data["email"] == "…@unknown.example"
    assert unknown.target_id == ""


def test_five_wrong_passwords_lock_the_account_and_say_to_wait(cast: testing.Cast) -> None:
    client = Client()
    for _attempt in range(5):
        response = client.post(LOGIN_URL, {"login": "owner@a.example.org", "password": "wrong password"})
        assert response.status_code == 200

    response = client.post(LOGIN_URL, {"login": "owner@a.example.org", "password": testing.PASSWORD})

    assert response.status_code == 200  # the form again, not the code step
    content = response.content.decode()
    assert "locked" in content
    assert "Wait 15 minutes" in content
    assert not response.wsgi_request.user.is_authenticated
    # Another browser (another address would be the same) is refused too: the lock is on the account.
    other = Client().post(LOGIN_URL, {"login": "owner@a.example.org", "password": testing.PASSWORD})
    assert other.status_code == 200
    assert "Wait 15 minutes" in other.content.decode()
    assert len(events("accounts.user.sign_in_failed")) == 5
    [locked] = events("accounts.user.locked_out")
    assert locked.target_id == str(cast.owner.public_id)
    assert locked.data == {"email": "…@a.example.org"}


def test_a_colleague_is_not_locked_out_by_attacks_on_another_account(cast: testing.Cast) -> None:
    for _attempt in range(6):
        Client().post(LOGIN_URL, {"login": "owner@a.example.org", "password": "wrong password"})

    sign_in(Client(), "member@a.example.org")


def test_sign_out_is_audited(cast: testing.Cast) -> None:
    client = Client()
    sign_in(client, "owner@a.example.org")

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert client.get("/")["Location"].startswith(LOGIN_URL)
    assert [e.actor for e in events("accounts.user.signed_out")] == [cast.owner]
