"""Password reset by e-mail link, and how passwords are hashed."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.test import Client

from pharos import testing
from pharos.accounts.models import User
from pharos.accounts.tests.conftest import sign_in
from pharos.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 77"


def test_the_reset_link_sets_a_new_password(cast: testing.Cast) -> None:
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": "owner@a.example.org"})
    assert response.status_code == 302

    [message] = mail.outbox
    assert message.to == ["owner@a.example.org"]
    link = re.search(r"https?://testserver(/accounts/password/reset/key/\S+/)", message.body)
    assert link, message.body
    response = client.get(link.group(1))
    assert response.status_code == 302  # the key moves into the session, off the address bar
    set_password_url = response["Location"]
    response = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    user = User.objects.get(pk=cast.owner.pk)
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(testing.PASSWORD)
    assert AuditEvent.objects.filter(action="accounts.password.reset", actor=cast.owner).exists()
    sign_in(Client(), "owner@a.example.org", NEW_PASSWORD)


def test_a_used_reset_link_does_not_work_twice(cast: testing.Cast) -> None:
    client = Client()
    client.post("/accounts/password/reset/", {"email": "owner@a.example.org"})
    path = re.search(r"https?://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    follow = client.get(path)["Location"]
    client.post(follow, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = Client().get(path, follow=True)

    assert again.status_code == 200
    assert "password1" not in again.content.decode()
    assert User.objects.get(pk=cast.owner.pk).check_password(NEW_PASSWORD)


def test_an_unknown_address_gets_no_mail_and_the_same_answer(cast: testing.Cast) -> None:
    response = Client().post("/accounts/password/reset/", {"email": "nobody@nowhere.example"})

    assert response.status_code == 302
    assert all("nobody@nowhere.example" not in m.to for m in mail.outbox)


def test_passwords_are_hashed_with_argon2_outside_the_test_suite() -> None:
    from pharos.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_hashes_and_checks_a_password(settings: object) -> None:
    from pharos.settings import base

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS  # type: ignore[attr-defined]
    user = testing.user("argon@example.org", password="a long enough passphrase")

    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password("a long enough passphrase")
