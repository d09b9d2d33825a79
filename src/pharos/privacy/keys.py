"""Keys for personal data at rest, read from settings (which read the environment).

``PHAROS_FIELD_KEYS`` is a list of ``id:base64url(32 bytes)``; the first encrypts, all
decrypt, so a new key is added in front and ``pharos keys rotate`` moves old rows to
it. ``PHAROS_BLIND_INDEX_KEY`` keys the HMAC of the blind index and is separate, so a
leaked encryption key does not also reveal which rows share a name.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class FieldKey:
    key_id: str
    secret: bytes


def _decode(value: str, what: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{what} is not valid base64.") from None
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{what} must decode to 32 bytes, not {len(raw)}.")
    return raw


@cache
def field_keys() -> tuple[FieldKey, ...]:
    entries = list(settings.PHAROS_FIELD_KEYS)
    if not entries:
        raise ImproperlyConfigured("PHAROS_FIELD_KEYS is empty: personal data cannot be stored.")
    keys = []
    for entry in entries:
        key_id, sep, value = entry.partition(":")
        if not sep or not key_id or ":" in value or len(key_id) > 8:
            raise ImproperlyConfigured("Each PHAROS_FIELD_KEYS entry must look like 'id:base64key'.")
        keys.append(FieldKey(key_id, _decode(value, f"PHAROS_FIELD_KEYS entry {key_id}")))
    if len({k.key_id for k in keys}) != len(keys):
        raise ImproperlyConfigured("PHAROS_FIELD_KEYS has two keys with the same id.")
    return tuple(keys)


def active_key() -> FieldKey:
    return field_keys()[0]


def key_by_id(key_id: str) -> FieldKey:
    for key in field_keys():
        if key.key_id == key_id:
            return key
    raise ImproperlyConfigured(f"No key with id {key_id!r} in PHAROS_FIELD_KEYS: data cannot be read.")


@cache
def blind_index_key() -> bytes:
    value = settings.PHAROS_BLIND_INDEX_KEY
    if not value:
        raise ImproperlyConfigured("PHAROS_BLIND_INDEX_KEY is empty.")
    return _decode(value, "PHAROS_BLIND_INDEX_KEY")


def reset_cache() -> None:
    """Forget cached keys (tests and rotation change settings at run time)."""
    field_keys.cache_clear()
    blind_index_key.cache_clear()
