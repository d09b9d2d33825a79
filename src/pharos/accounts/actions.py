"""Writes about users, their sessions, languages and API tokens."""

from __future__ import annotations

from django.db import transaction

from pharos.accounts.models import User
from pharos.audit import log


def user_set_language(*, actor: User, language: str) -> User:
    with transaction.atomic():
        actor.preferred_language = language
        actor.save(update_fields=["preferred_language"])
        log.record("accounts.user.language_changed", actor=actor, target=actor, data={"language": language})
    return actor
