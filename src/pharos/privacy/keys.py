"""Keys for personal data at rest, read from settings (which read the environment).

``PHAROS_FIELD_KEYS`` is a list of ``id:base64url(32 bytes)``; the first encrypts, all
decrypt, so a new key is added in front and ``pharos keys rotate`` moves old rows to
it. ``PHAROS_BLIND_INDEX_KEY`` keys the HMAC of the blind index and is separate, so a
leaked encryption key does not also reveal which rows share a name.

Keys are parsed once and cached; tests and key rotation that change the settings at run
time call ``reset_cache()`` (the privacy app also does so on Django's ``setting_changed``).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Key ids appear in every ciphertext header ("pX1.<id>.…"): short, and never a dot.
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


class UnknownKeyError(ImproperlyConfigured):
    """A value was encrypted under a key id that is not in PHAROS_FIELD_KEYS (a key was removed too early)."""


@dataclass(frozen=True)
class FieldKey:
    key_id: str
    secret: bytes = field(repr=False)

    @property
    def aead(self) -> AESGCM:
        return _aead(self.secret)


@cache
def _aead(secret: bytes) -> AESGCM:
    return AESGCM(secret)


def _decode(value: str, what: str) -> bytes:
    value = value.strip()
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{what} is not valid base64.") from None
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{what} must decode to 32 bytes, not {len(raw)}.")
    return raw


def parse_field_key(entry: str) -> FieldKey:
    """One ``id:base64`` entry of PHAROS_FIELD_KEYS (the error never repeats the secret)."""
    key_id, sep, value = entry.strip().partition(":")
    if not sep or not KEY_ID.match(key_id):
        raise ImproperlyConfigured(
            "Each PHAROS_FIELD_KEYS entry must look like 'id:base64key', the id being 1 to 16 "
            "letters, digits, '-' or '_'."
        )
    return FieldKey(key_id, _decode(value, f"PHAROS_FIELD_KEYS entry {key_id!r}"))


@cache
def field_keys() -> tuple[FieldKey, ...]:
    entries = list(getattr(settings, "PHAROS_FIELD_KEYS", None) or [])
    if not entries:
        raise ImproperlyConfigured("PHAROS_FIELD_KEYS is empty: personal data cannot be stored or read.")
    found = tuple(parse_field_key(entry) for entry in entries)
    if len({k.key_id for k in found}) != len(found):
        raise ImproperlyConfigured("PHAROS_FIELD_KEYS has two keys with the same id.")
    if len({k.secret for k in found}) != len(found):
        raise ImproperlyConfigured("PHAROS_FIELD_KEYS has the same key under two ids.")
    return found


def active_key() -> FieldKey:
    """The key new values are encrypted under: the first of PHAROS_FIELD_KEYS."""
    return field_keys()[0]


def key_by_id(key_id: str) -> FieldKey:
    for key in field_keys():
        if key.key_id == key_id:
            return key
    raise UnknownKeyError(
        f"No key with id {key_id!r} in PHAROS_FIELD_KEYS: data encrypted under it cannot be read. "
        "Put the key back (after the active one) and run 'pharos keys rotate' before removing it."
    )


@cache
def blind_index_key() -> bytes:
    value = getattr(settings, "PHAROS_BLIND_INDEX_KEY", "")
    if not value:
        raise ImproperlyConfigured("PHAROS_BLIND_INDEX_KEY is empty: exact look-ups cannot be computed.")
    secret = _decode(value, "PHAROS_BLIND_INDEX_KEY")
    if any(secret == k.secret for k in field_keys()):
        raise ImproperlyConfigured("PHAROS_BLIND_INDEX_KEY must differ from every PHAROS_FIELD_KEYS key.")
    return secret


def reset_cache() -> None:
    """Forget cached keys (tests and rotation change settings at run time)."""
    field_keys.cache_clear()
    blind_index_key.cache_clear()
    _aead.cache_clear()
