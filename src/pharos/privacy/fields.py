"""Model fields for direct identifiers: encrypted at rest, with an optional blind index.

The database only ever holds ciphertext (see cipher.py); Python code sees plain values.
Lookups other than ``isnull`` (and ``= None``) are refused with TypeError because comparing
ciphertexts is meaningless and would silently match nothing: exact matching goes through a
BlindIndexField, fuzzy matching through the linkage module. Ordering by an encrypted field
orders by ciphertext, i.e. randomly; don't.

Every encrypted field carries ``encrypted = True``: ``pharos keys rotate`` finds them
through the app registry.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.db import models
from django.db.models.lookups import Exact

from pharos.privacy import cipher


class _NoneOnlyExact(Exact):
    """``field=None`` (turned into IS NULL by Django); any other value is refused."""

    can_use_none_as_rhs = False

    def __init__(self, lhs: Any, rhs: Any) -> None:
        if rhs is not None:
            raise TypeError(
                f"Encrypted field {lhs.output_field.context()} cannot be compared with a value; "
                "use its blind index for exact look-ups."
            )
        super().__init__(lhs, rhs)


class EncryptedMixin:
    """Encrypts on the way to the database and decrypts on the way back."""

    encrypted = True
    model: type[models.Model]
    name: str

    def context(self) -> str:
        """The associated data: which model and column this value belongs to."""
        return f"{self.model._meta.label_lower}.{self.name}"

    def to_plain_bytes(self, value: Any) -> bytes:
        raise NotImplementedError

    def from_plain_bytes(self, raw: bytes) -> Any:
        raise NotImplementedError

    def is_absent(self, value: Any) -> bool:
        return value is None

    def get_prep_value(self, value: Any) -> Any:
        value = self.to_python(value)  # type: ignore[attr-defined]
        if self.is_absent(value):
            return None
        return cipher.encrypt(self.to_plain_bytes(value), context=self.context())

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        return value if prepared else self.get_prep_value(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return self.from_plain_bytes(cipher.decrypt(value, context=self.context()))

    def get_internal_type(self) -> str:
        # "TextField" for every subclass, so no backend converter (say, for dates) touches the token.
        return "TextField"

    def db_type(self, connection: Any) -> str:
        return str(models.TextField().db_type(connection))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)  # type: ignore[misc]
        if lookup_name == "exact":
            return _NoneOnlyExact
        raise TypeError(f"Encrypted field {self.context()} cannot be filtered with {lookup_name!r}.")

    def get_transform(self, lookup_name: str) -> Any:
        raise TypeError(f"Encrypted field {self.context()} cannot be transformed with {lookup_name!r}.")


class EncryptedTextField(EncryptedMixin, models.TextField):  # type: ignore[misc]
    """A name, number, contact or narrative: any text that identifies a person.

    An empty string is stored as NULL: "nothing recorded" has one form.
    """

    def is_absent(self, value: Any) -> bool:
        return value is None or value == ""

    def to_plain_bytes(self, value: Any) -> bytes:
        return str(value).encode("utf-8")

    def from_plain_bytes(self, raw: bytes) -> str:
        return raw.decode("utf-8")

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        return str(value)


class EncryptedDateField(EncryptedMixin, models.DateField):  # type: ignore[misc]
    """A date of birth: encrypted, so it cannot be ordered or compared in SQL."""

    def to_plain_bytes(self, value: Any) -> bytes:
        return value.isoformat().encode()

    def from_plain_bytes(self, raw: bytes) -> datetime.date:
        return datetime.date.fromisoformat(raw.decode())

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        return getattr(model_instance, self.attname)


class EncryptedJSONField(EncryptedMixin, models.TextField):  # type: ignore[misc]
    """A list of aliases or other structured identifiers (any JSON value)."""

    def to_plain_bytes(self, value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")

    def from_plain_bytes(self, raw: bytes) -> Any:
        return json.loads(raw.decode("utf-8"))

    def to_python(self, value: Any) -> Any:
        return value

    def formfield(self, **kwargs: Any) -> Any:
        # Each form decides how a list is entered (one alias a line, say).
        return None


def encrypted_fields(model: type[models.Model]) -> list[models.Field]:  # type: ignore[type-arg]
    """The concrete encrypted fields of a model, in declaration order."""
    return [f for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """A keyed HMAC of other fields' normalised values, for exact look-ups and duplicates.

    Computed in ``pre_save`` from the ``source`` fields, each normalised on its own (so
    first name "Ana Maria" and family name "" differ from "Ana" and "Maria"). A queryset
    ``update()`` of a source field does not refresh it: change sources through ``save()``.
    """

    def __init__(self, *args: Any, source: str | tuple[str, ...] = "", **kwargs: Any) -> None:
        self.source = (source,) if isinstance(source, str) else tuple(source)
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for default in ("max_length", "blank", "editable", "db_index"):
            kwargs.pop(default, None)
        return name, path, args, kwargs

    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def compute(self, values: list[Any]) -> str:
        return cipher.blind_index_of([_as_text(v) for v in values], context=self.context())

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = self.compute([getattr(model_instance, s) for s in self.source])
        setattr(model_instance, self.attname, value)
        return value

    def lookup_value(self, *values: Any) -> str:
        """The index value to filter on for the given source values."""
        return self.compute(list(values))


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
