"""Model fields that hold codes of a code list (ADR 0006, ADR 0008).

A coded field names the list its codes come from (``list_key``); the key is part of the
field's definition, so it is written into the migrations and a change of list is a reviewed
schema change, never a silent rewrite. Records store the code string, never a label and
never a foreign key to a ``standards.Code`` row: a new edition of a list adds or closes
codes and leaves stored records as they are.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class CodeField(models.CharField):  # type: ignore[type-arg]
    """One code of the list ``list_key`` ("" when nothing was recorded)."""

    def __init__(self, *args: Any, list_key: str = "", **kwargs: Any) -> None:
        self.list_key = list_key
        kwargs.setdefault("max_length", 120)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["list_key"] = self.list_key
        return name, path, args, kwargs


class CodesField(models.JSONField):  # type: ignore[type-arg]
    """Several codes of the list ``list_key``, as a JSON list in display order."""

    def __init__(self, *args: Any, list_key: str = "", **kwargs: Any) -> None:
        self.list_key = list_key
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["list_key"] = self.list_key
        return name, path, args, kwargs


def coded_fields(model: type[models.Model]) -> dict[str, tuple[str, bool]]:
    """Every coded field of ``model``: name → (list key, several values allowed)."""
    found: dict[str, tuple[str, bool]] = {}
    for field in model._meta.concrete_fields:
        if isinstance(field, CodeField):
            found[field.name] = (field.list_key, False)
        elif isinstance(field, CodesField):
            found[field.name] = (field.list_key, True)
    return found


def held_codes(record: models.Model) -> dict[str, list[str]]:
    """The codes a record holds now, by field: still accepted on a change even if closed since."""
    held: dict[str, list[str]] = {}
    for name, (_key, multiple) in coded_fields(type(record)).items():
        value = getattr(record, name)
        held[name] = list(value or []) if multiple else ([value] if value else [])
    return held
