"""Authenticated encryption of single values with AES-256-GCM, bound to their column.

Written by hand on ``cryptography``'s AESGCM because the maintained Django packages
either derive data keys from SECRET_KEY (django-fernet-encrypted-fields) or are
unmaintained; we need a dedicated key list with ids for rotation and ciphertexts bound
to their table and column (the associated data), so a value copied into another
column or row type fails to decrypt instead of being shown out of context.

Format (text, so it fits any database column): ``pX1.<key id>.<base64url(nonce|ct|tag)>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pharos.privacy import keys

MARKER = "pX1"


class DecryptionError(ValueError):
    """A stored value could not be authenticated: wrong key, wrong column or tampering."""


def encrypt(plaintext: bytes, *, context: str) -> str:
    key = keys.active_key()
    nonce = os.urandom(12)
    sealed = AESGCM(key.secret).encrypt(nonce, plaintext, context.encode())
    body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
    return f"{MARKER}.{key.key_id}.{body}"


def key_id_of(token: str) -> str:
    _marker, key_id, _body = _split(token)
    return key_id


def decrypt(token: str, *, context: str) -> bytes:
    _marker, key_id, body = _split(token)
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    try:
        return AESGCM(keys.key_by_id(key_id).secret).decrypt(raw[:12], raw[12:], context.encode())
    except InvalidTag:
        raise DecryptionError(f"Value in {context} failed authentication.") from None


def _split(token: str) -> tuple[str, str, str]:
    parts = token.split(".", 2)
    if len(parts) != 3 or parts[0] != MARKER:
        raise DecryptionError("Not a Pharos ciphertext.")
    return parts[0], parts[1], parts[2]


def normalise(value: str) -> str:
    """The form of a value that the blind index sees: case, accents and spacing folded."""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def blind_index(value: str, *, context: str) -> str:
    """A keyed HMAC for exact look-ups of an encrypted value; empty for empty input."""
    folded = normalise(value)
    if not folded:
        return ""
    digest = hmac.new(keys.blind_index_key(), f"{context}\x00{folded}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]
