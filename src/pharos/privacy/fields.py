"""Model fields for direct identifiers: encrypted at rest, with an optional blind index.

The database only ever holds ciphertext (see cipher.py); Python code sees plain values.
Lookups other than ``isnull`` are refused because comparing ciphertexts is meaningless:
exact matching goes through a BlindIndexField, fuzzy matching through the linkage module.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from pharos.privacy import cipher


class EncryptedMixin:
    """Encrypts on the way to the database and decrypts on the way back."""

    encrypted = True
    model: type[models.Model]
    name: str

    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def to_plain_bytes(self, value: Any) -> bytes:
        raise NotImplementedError

    def from_plain_bytes(self, raw: bytes) -> Any:
        raise NotImplementedError

    def get_prep_value(self, value: Any) -> Any:
        value = self.to_python(value)  # type: ignore[attr-defined]
        if value is None:
            return None
        return cipher.encrypt(self.to_plain_bytes(value), context=self.context())

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        return value if prepared else self.get_prep_value(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return self.from_plain_bytes(cipher.decrypt(value, context=self.context()))

    def get_internal_type(self) -> str:
        return "TextField"

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise TypeError(f"Encrypted field {self.context()} cannot be filtered with {lookup_name!r}.")
        return super().get_lookup(lookup_name)  # type: ignore[misc]

    def db_type(self, connection: Any) -> str:
        return str(models.TextField().db_type(connection))


class EncryptedTextField(EncryptedMixin, models.TextField):  # type: ignore[misc]
    """A name, number, contact or narrative: any text that identifies a person."""

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
    """A list of aliases or other structured identifiers."""

    def to_plain_bytes(self, value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")

    def from_plain_bytes(self, raw: bytes) -> Any:
        return json.loads(raw.decode("utf-8"))

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise ValidationError("Enter valid JSON.") from None
        return value

    def formfield(self, **kwargs: Any) -> Any:
        return None


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """A keyed HMAC of another field's normalised value, for exact look-ups and duplicates."""

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

    def compute(self, values: list[Any]) -> str:
        parts = ["" if v is None else (v.isoformat() if hasattr(v, "isoformat") else str(v)) for v in values]
        if not any(parts):
            return ""
        return cipher.blind_index("\x1f".join(parts), context=f"{self.model._meta.label_lower}.{self.name}")

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = self.compute([getattr(model_instance, s) for s in self.source])
        setattr(model_instance, self.attname, value)
        return value

    def lookup_value(self, *values: Any) -> str:
        """The index value to filter on for the given source values."""
        return self.compute(list(values))
