"""Files of any size sealed in segments (AES-256-GCM, the STREAM construction), read back at random.

A file is encrypted in segments of ``SEGMENT`` bytes so that neither writing nor reading ever
holds more than one segment: a million-row import (300 MB) streams through in constant
memory, and a spreadsheet reader that seeks inside a zip archive decrypts only the segments
it touches. The construction is Hoang–Reyhanitabar–Rogaway–Vizár's online AE "STREAM", as
in Tink's AES-GCM-HKDF streaming AEAD and in age:

- a fresh 32-byte salt per file; the segment key is HKDF-SHA256(master key, salt, context),
  so nonces never repeat across files however many are sealed under one master key;
- segment *i* is sealed with nonce ``i`` (11 bytes, big-endian) followed by a last-segment
  flag, and the context as associated data: segments cannot be reordered, dropped, moved
  to another file or truncated at a boundary without failing authentication (the last
  segment is known from the length, and a segment sealed as "not last" will not open as last).

Layout: ``PXF2 | len(key id) | key id | salt[32] | segment 0 | segment 1 | …``, each segment
``ciphertext | tag[16]``; all but the last hold exactly ``SEGMENT`` plaintext bytes, the last
holds 0 to ``SEGMENT``.

Written here because no maintained Python library offers a streaming AEAD over raw keys:
``cryptography`` has one-shot AEADs only, Tink's streaming AEAD needs Tink keysets (Pharos's
keys are raw 32-byte secrets from the environment, see ``pharos.privacy.keys``), and age
wants its own recipients. The primitives (AES-GCM, HKDF) are ``cryptography``'s.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from pharos.privacy.cipher import DecryptionError

MAGIC = b"PXF2"
SEGMENT = 64 * 1024
TAG = 16
SALT = 32

Fetch = Callable[[int, int], bytes]  # (offset, length) -> at most length bytes of the sealed file


def _segment_key(secret: bytes, salt: bytes, context: str) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=MAGIC + context.encode()).derive(
        secret
    )
    return AESGCM(derived)


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _associated(context: str) -> bytes:
    return MAGIC + b"." + context.encode()


class Sealer:
    """Seal a stream piece by piece: ``header``, then ``update`` as bytes arrive, then ``finish``.

    A segment is sealed only once the next byte has arrived, so the last one (which may be
    empty) is sealed by ``finish`` with the last-segment flag.
    """

    def __init__(self, *, secret: bytes, key_id: str, context: str) -> None:
        kid = key_id.encode("ascii")
        salt = os.urandom(SALT)
        self.header = MAGIC + bytes([len(kid)]) + kid + salt
        self._aead = _segment_key(secret, salt, context)
        self._ad = _associated(context)
        self._pending = bytearray()
        self._index = 0
        self.size = 0  # plaintext bytes taken so far

    def update(self, data: bytes) -> Iterator[bytes]:
        self.size += len(data)
        self._pending += data
        while len(self._pending) > SEGMENT:
            piece = bytes(self._pending[:SEGMENT])
            del self._pending[:SEGMENT]
            yield self._seal(piece, last=False)

    def finish(self) -> bytes:
        piece = bytes(self._pending)
        self._pending.clear()
        return self._seal(piece, last=True)

    def _seal(self, piece: bytes, *, last: bool) -> bytes:
        sealed = self._aead.encrypt(_nonce(self._index, last), piece, self._ad)
        self._index += 1
        return sealed


def seal_chunks(chunks: Iterable[bytes], *, secret: bytes, key_id: str, context: str) -> Iterator[bytes]:
    """The sealed file, piece by piece, from the plaintext ``chunks``."""
    sealer = Sealer(secret=secret, key_id=key_id, context=context)
    yield sealer.header
    for chunk in chunks:
        yield from sealer.update(chunk)
    yield sealer.finish()


def header_key_id(head: bytes) -> str | None:
    """The key id in a sealed file's first bytes, or None if they are not a PXF2 header."""
    if head[: len(MAGIC)] != MAGIC or len(head) < len(MAGIC) + 1:
        return None
    length = head[len(MAGIC)]
    kid = head[len(MAGIC) + 1 : len(MAGIC) + 1 + length]
    if len(kid) != length:
        return None
    return kid.decode("ascii", errors="replace")


class SealedReader(io.RawIOBase):
    """The plaintext of a sealed file as a seekable, read-only binary file.

    ``fetch(offset, length)`` reads the sealed bytes (a storage handle, ``os.pread`` on a
    descriptor); ``total`` is the sealed file's length; ``secret_for(key_id)`` gives the master
    key named in the header. Every segment read is authenticated before any of its bytes are
    returned; a damaged or truncated file raises ``DecryptionError``.
    """

    def __init__(
        self,
        fetch: Fetch,
        total: int,
        *,
        secret_for: Callable[[str], bytes],
        context: str,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self._fetch = fetch
        self._on_close = on_close
        head = fetch(0, len(MAGIC) + 1 + 255 + SALT)
        key_id = header_key_id(head)
        if key_id is None:
            raise DecryptionError("Not a Pharos encrypted file.")
        start = len(MAGIC) + 1 + len(key_id.encode())
        salt = head[start : start + SALT]
        if len(salt) != SALT:
            raise DecryptionError("Encrypted file is truncated.")
        self.key_id = key_id
        self._body = start + SALT
        body = total - self._body
        self._segments = max(1, -(-body // (SEGMENT + TAG)))
        self.size = body - self._segments * TAG
        if self.size < 0:
            raise DecryptionError("Encrypted file is truncated.")
        self._aead = _segment_key(secret_for(key_id), salt, context)
        self._ad = _associated(context)
        self._position = 0
        self._cached: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if not self.closed and self._on_close is not None:
            self._on_close()
        self._cached = None
        super().close()

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._position = base + offset
        return self._position

    def _segment(self, index: int) -> bytes:
        if self._cached is not None and self._cached[0] == index:
            return self._cached[1]
        last = index == self._segments - 1
        sealed = self._fetch(self._body + index * (SEGMENT + TAG), SEGMENT + TAG)
        try:
            plain = self._aead.decrypt(_nonce(index, last), sealed, self._ad)
        except InvalidTag:
            raise DecryptionError("Encrypted file failed authentication.") from None
        self._cached = (index, plain)
        return plain

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._position >= self.size:
            return 0
        index, within = divmod(self._position, SEGMENT)
        plain = self._segment(index)
        count = min(len(buffer), len(plain) - within)
        buffer[:count] = plain[within : within + count]
        self._position += count
        return count


def reader(
    fetch: Fetch,
    total: int,
    *,
    secret_for: Callable[[str], bytes],
    context: str,
    on_close: Callable[[], None] | None = None,
) -> io.BufferedReader:
    """A buffered :class:`SealedReader` (what file readers such as ``zipfile`` expect)."""
    raw = SealedReader(fetch, total, secret_for=secret_for, context=context, on_close=on_close)
    return io.BufferedReader(raw, SEGMENT)


def pread_fetch(descriptor: int) -> Fetch:
    """Reads by absolute offset, so several readers can share one descriptor."""
    return lambda offset, length: os.pread(descriptor, length, offset)


def handle_fetch(handle: Any) -> Fetch:
    """Reads by seeking a file object (a storage handle); one reader per handle."""

    def fetch(offset: int, length: int) -> bytes:
        handle.seek(offset)
        return handle.read(length)  # type: ignore[no-any-return]

    return fetch
