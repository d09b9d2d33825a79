from typing import Any

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "pharos.cases"
    label = "cases"

    def ready(self) -> None:
        from pharos.persons.events import person_erasing

        person_erasing.connect(_erase_cases, dispatch_uid="cases-erase-for-person")


def _erase_cases(sender: Any, *, actor: Any, person: Any, **kwargs: Any) -> None:
    from pharos.cases.actions import cases_erase_for_person

    cases_erase_for_person(actor=actor, person=person)
