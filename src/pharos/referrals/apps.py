from typing import Any

from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "pharos.referrals"
    label = "referrals"

    def ready(self) -> None:
        from pharos.persons.events import person_erasing, person_names_changed
        from pharos.referrals import hooks, sections

        sections.register_builtin()
        hooks.register()
        person_names_changed.connect(_refresh_keys, dispatch_uid="referrals-match-keys")
        person_erasing.connect(_erase_keys, dispatch_uid="referrals-erase-for-person")


def _refresh_keys(sender: Any, *, person: Any, **kwargs: Any) -> None:
    from pharos.referrals.actions import match_keys_refresh

    match_keys_refresh(person=person)


def _erase_keys(sender: Any, *, actor: Any, person: Any, **kwargs: Any) -> None:
    from pharos.referrals.actions import referrals_erase_for_person

    referrals_erase_for_person(actor=actor, person=person)
