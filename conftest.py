"""Fixtures shared by every test: the cast of personas and signed-in clients."""

from __future__ import annotations

import pytest
from django.test import Client

from pharos import testing


@pytest.fixture
def cast(db: None) -> testing.Cast:
    return testing.cast()


@pytest.fixture
def client_for(db: None):
    """A test client signed in as the given user (second factor already enrolled)."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Lockout counters and used TOTP codes live in the cache: no test inherits another's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """A test that renders Arabic must not leave the next test speaking Arabic."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
