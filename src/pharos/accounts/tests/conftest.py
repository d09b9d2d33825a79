"""Helpers for the sign-in tests: real allauth flows through the Django test client."""

from __future__ import annotations

import pyotp
import pytest
from django.core.cache import cache
from django.test import Client

from pharos import testing

LOGIN_URL = "/accounts/login/"
CODE_URL = "/accounts/2fa/authenticate/"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Rate limits (lockout) and used TOTP codes live in the cache; each test starts clean.
    cache.clear()


def totp_code() -> str:
    return pyotp.TOTP(testing.TOTP_SECRET).now()


def sign_in(client: Client, email: str, password: str = testing.PASSWORD) -> None:
    """Password, then the authenticator code: the whole sign-in, asserting each step."""
    response = client.post(LOGIN_URL, {"login": email, "password": password})
    assert response.status_code == 302, response
    assert response["Location"] == CODE_URL
    response = client.post(CODE_URL, {"code": totp_code()})
    assert response.status_code == 302, response
    assert response["Location"] == "/"
