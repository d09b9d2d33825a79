"""Authenticated encryption of single values with AES-256-GCM, bound to their column.

Written by hand on ``cryptography``'s AESGCM (about a hundred lines) rather than taken from
a Django package, because the maintained ones either derive their data key from SECRET_KEY
(django-fernet-encrypted-fields) or are unmaintained, and none binds a ciphertext to its
column. We need: a dedicated key list with ids, so keys can be rotated without downtime;
ciphertexts bound to their table and column (the associated data), so a value copied into
another column or model fails to decrypt instead of being shown out of context; and a
blind index under a separate key. See docs/adr/0004-personal-data-encryption.md.

Format (text, so it fits any database column)::

    pX1.<key id>.<base64url(nonce[12] | ciphertext | tag[16])>

The associated data is ``pX1.<key id>.<context>``, the context being
``<app_label>.<model>.<field>``: the header is authenticated too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import unicodedata
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag

from pharos.privacy import keys

MARKER = "pX1"
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(ValueError):
    """A stored value could not be authenticated: wrong key, wrong column, or tampering."""


def _associated_data(key_id: str, context: str) -> bytes:
    if not context:
        raise ValueError("Encryption needs a context (the table and column the value belongs to).")
    return f"{MARKER}.{key_id}.{context}".encode()


def encrypt(plaintext: bytes, *, context: str) -> str:
    """A ciphertext token for ``plaintext`` under the active key, bound to ``context``."""
    key = keys.active_key()
    nonce = os.urandom(NONCE_BYTES)
    sealed = key.aead.encrypt(nonce, plaintext, _associated_data(key.key_id, context))
    body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
    return f"{MARKER}.{key.key_id}.{body}"


def key_id_of(token: str) -> str:
    """The id of the key a token was encrypted under, read without decrypting."""
    _marker, key_id, _body = _split(token)
    return key_id


def prefix_for(key_id: str) -> str:
    """What every token encrypted under ``key_id`` starts with (for SQL filters)."""
    return f"{MARKER}.{key_id}."


def decrypt(token: str, *, context: str) -> bytes:
    """The plaintext of a token; DecryptionError if it does not authenticate for ``context``.

    A token under a key id missing from PHAROS_FIELD_KEYS raises keys.UnknownKeyError: that
    is a configuration error, not tampering, and must not be mistaken for an empty value.
    """
    _marker, key_id, body = _split(token)
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError(f"Value in {context} is not valid base64.") from None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError(f"Value in {context} is truncated.")
    key = keys.key_by_id(key_id)
    try:
        return key.aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _associated_data(key_id, context))
    except InvalidTag:
        raise DecryptionError(f"Value in {context} failed authentication.") from None


def reencrypt(token: str, *, context: str) -> str:
    """The same plaintext under the active key (key rotation); the plaintext never leaves here."""
    return encrypt(decrypt(token, context=context), context=context)


def _split(token: str) -> tuple[str, str, str]:
    if not isinstance(token, str):
        raise DecryptionError("Not a Pharos ciphertext.")
    parts = token.split(".", 2)
    if len(parts) != 3 or parts[0] != MARKER or not keys.KEY_ID.match(parts[1]):
        raise DecryptionError("Not a Pharos ciphertext.")
    return parts[0], parts[1], parts[2]


def normalise(value: str) -> str:
    """The form of a value that the blind index sees: case, accents and spacing folded.

    Compatibility decomposition (NFKD) then dropping combining marks folds "José" to
    "jose" and full-width letters to ASCII; casefold handles "ß" and Greek final sigma.
    """
    decomposed = unicodedata.normalize("NFKD", value).casefold()
    words = ("".join(ch for ch in word if _kept(ch)) for word in decomposed.split())
    return " ".join(word for word in words if word)


def _kept(ch: str) -> bool:
    # Accents go, and so do invisible characters (zero-width joiners pasted from documents).
    return not unicodedata.combining(ch) and not unicodedata.category(ch).startswith("C")


def blind_index(value: str, *, context: str) -> str:
    """A keyed HMAC-SHA256 (128 bits kept) of the normalised value; empty for empty input.

    The context (model and index name) separates domains, so the same name gives unrelated
    digests in two indexes. Equal inputs give equal digests: that is the point (exact
    look-ups) and the leak (who shares a name), see the ADR.
    """
    return blind_index_of([value], context=context)


def blind_index_of(parts: Sequence[str], *, context: str) -> str:
    """The blind index of several values (first name, family name, birth date), each normalised."""
    folded = [normalise(part) for part in parts]
    if not any(folded):
        return ""
    # Normalised parts hold no control characters, so the separator cannot be forged.
    message = "\x1f".join(folded)
    digest = hmac.new(keys.blind_index_key(), f"{context}\x00{message}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]
