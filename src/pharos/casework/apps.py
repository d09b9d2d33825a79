from typing import Any

from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "pharos.casework"
    label = "casework"

    def ready(self) -> None:
        from pharos.persons.events import person_erasing

        person_erasing.connect(_erase_casework, dispatch_uid="casework-erase-for-person")


def _erase_casework(sender: Any, *, actor: Any, person: Any, **kwargs: Any) -> None:
    from pharos.casework.actions import casework_erase_for_person

    casework_erase_for_person(actor=actor, person=person)
