"""Encrypted attachments: file bytes sealed with AES-256-GCM in any Django storage.

A module that keeps files about a person (a scanned document, a photo) stores them with
``attachment_store(...)`` inside its own action and keeps a foreign key to the returned
:class:`~pharos.privacy.models.EncryptedAttachment`; it reads them back with
``attachment_read`` after its own scope check. The bytes go to the default storage under
``encrypted/<random uuid>`` (``MEDIA_ROOT/encrypted/`` with the file-system storage); the
original name and content type are encrypted columns of the row, so neither the disk nor
the database shows what a file is.

Blobs are sealed in segments as they stream in (``pharos.privacy.stream``, format ``PXF2``):
storing or reading a file of any size holds one 64 KiB segment in memory, and
``attachment_open`` gives a seekable file that decrypts only the segments read (a
spreadsheet reader seeks inside its zip archive), so no plaintext copy is ever written to
disk. Uploads over the in-memory size arrive through
``pharos.privacy.uploads.SealedTemporaryUploadHandler``, sealed under a key that exists only
in the request's memory. The segment keys derive from the active key and the attachment's
public id: a blob copied onto another attachment does not open. Blobs of the earlier
whole-file format (``PXF1``, sealed in one piece) still open. The size limit is the
caller's (``limit``; ``PHAROS_ATTACHMENT_MAX_BYTES``, 20 MiB, unless given). A stored
blob is never overwritten: re-encryption writes a new blob and deletes the old one after
commit, so an interruption loses nothing.
"""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import IO

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone

from pharos.privacy import keys, stream
from pharos.privacy.cipher import DecryptionError
from pharos.privacy.models import EncryptedAttachment

MAGIC = b"PXF1"
NONCE_BYTES = 12
DIRECTORY = "encrypted"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
READ_CHUNK = 1024 * 1024


class AttachmentTooLarge(ValueError):
    """The file is over the size limit (the message says the limit)."""


def max_bytes() -> int:
    return int(getattr(settings, "PHAROS_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def storage() -> Storage:
    return storages["default"]


def _associated_data(key_id: str, context: str) -> bytes:
    return MAGIC + b"." + key_id.encode() + b"." + context.encode()


def seal(data: bytes, *, context: str) -> bytes:
    """``data`` encrypted under the active key, bound to ``context``."""
    key = keys.active_key()
    kid = key.key_id.encode()
    nonce = os.urandom(NONCE_BYTES)
    sealed = key.aead.encrypt(nonce, data, _associated_data(key.key_id, context))
    return MAGIC + bytes([len(kid)]) + kid + nonce + sealed


def blob_key_id(blob: bytes) -> str:
    """The id of the key a blob was sealed under, read from its header."""
    if blob[: len(MAGIC)] != MAGIC or len(blob) < len(MAGIC) + 1:
        raise DecryptionError("Not a Pharos encrypted file.")
    length = blob[len(MAGIC)]
    key_id = blob[len(MAGIC) + 1 : len(MAGIC) + 1 + length].decode("ascii", errors="replace")
    if not keys.KEY_ID.match(key_id):
        raise DecryptionError("Not a Pharos encrypted file.")
    return key_id


def open_sealed(blob: bytes, *, context: str) -> bytes:
    """The plaintext of a sealed blob; DecryptionError if it does not authenticate."""
    key_id = blob_key_id(blob)
    start = len(MAGIC) + 1 + len(key_id)
    nonce, sealed = blob[start : start + NONCE_BYTES], blob[start + NONCE_BYTES :]
    if len(nonce) != NONCE_BYTES or len(sealed) < 16:
        raise DecryptionError("Encrypted file is truncated.")
    key = keys.key_by_id(key_id)
    try:
        return key.aead.decrypt(nonce, sealed, _associated_data(key_id, context))
    except InvalidTag:
        raise DecryptionError("Encrypted file failed authentication.") from None


def _context(attachment: EncryptedAttachment) -> str:
    return f"privacy.encryptedattachment.{attachment.public_id}"


def _plain_chunks(content: bytes | IO[bytes] | Iterable[bytes], limit: int) -> Iterator[bytes]:
    """The content in pieces, stopping with ``AttachmentTooLarge`` past ``limit`` bytes."""
    if isinstance(content, bytes | bytearray):
        parts: Iterable[bytes] = [bytes(content)]
    elif hasattr(content, "chunks"):
        parts = content.chunks()
    elif hasattr(content, "read"):
        parts = iter(lambda: content.read(READ_CHUNK), b"")
    else:
        parts = content
    size = 0
    for part in parts:
        size += len(part)
        if size > limit:
            raise AttachmentTooLarge(f"Files may be at most {limit // (1024 * 1024)} MB.")
        yield part


class _SealingFile(File):  # type: ignore[type-arg]
    """What a storage's ``save`` reads: the sealed blob, produced piece by piece."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        super().__init__(None, name="sealed")
        self._pieces = pieces

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        yield from self._pieces

    def multiple_chunks(self, chunk_size: int | None = None) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:  # storages that read instead of iterating
        return b"".join(self._pieces)


def _write_blob(attachment: EncryptedAttachment, chunks: Iterable[bytes]) -> tuple[str, int]:
    """Seal ``chunks`` into a new blob; its storage name and the plaintext size."""
    key = keys.active_key()
    sealer = stream.Sealer(secret=key.secret, key_id=key.key_id, context=_context(attachment))

    def pieces() -> Iterator[bytes]:
        yield sealer.header
        for chunk in chunks:
            yield from sealer.update(chunk)
        yield sealer.finish()

    name = f"{DIRECTORY}/{uuid.uuid4().hex}"
    try:
        saved = storage().save(name, _SealingFile(pieces()))
    except BaseException:
        # A refused or interrupted file leaves no partial blob (sweep_orphans would also find it).
        if storage().exists(name):
            storage().delete(name)
        raise
    return saved, sealer.size


def attachment_store(
    *,
    content: bytes | IO[bytes] | Iterable[bytes],
    file_name: str,
    content_type: str = "application/octet-stream",
    limit: int | None = None,
) -> EncryptedAttachment:
    """Encrypt and store a file as it streams in; call inside the owning module's action (which
    audits it). Over ``limit`` bytes (``PHAROS_ATTACHMENT_MAX_BYTES`` unless given) it raises
    ``AttachmentTooLarge`` and keeps nothing.

    If that transaction rolls back, the blob stays behind unreferenced and
    ``sweep_orphans`` removes it later; it is encrypted, so nothing leaks meanwhile.
    """
    limit = max_bytes() if limit is None else limit
    attachment = EncryptedAttachment(
        key_id=keys.active_key().key_id,
        size=0,
        file_name=os.path.basename((file_name or "").replace("\\", "/"))[:255] or None,
        content_type=(content_type or "application/octet-stream")[:255],
    )
    attachment.blob, attachment.size = _write_blob(attachment, _plain_chunks(content, limit))
    attachment.save()
    return attachment


def _secret_of(key_id: str) -> bytes:
    return keys.key_by_id(key_id).secret


def attachment_open(attachment: EncryptedAttachment) -> io.BufferedReader | io.BytesIO:
    """The file as a seekable binary file that decrypts as it is read (close it after use);
    the caller has checked the reader may see the owning object."""
    if attachment.erased_at is not None or not attachment.blob:
        raise FileNotFoundError("This attachment was erased.")
    handle = storage().open(attachment.blob, "rb")
    try:
        head = handle.read(len(MAGIC))
        if head != stream.MAGIC:
            handle.seek(0)
            return io.BytesIO(open_sealed(handle.read(), context=_context(attachment)))
        total = handle.seek(0, os.SEEK_END)
        reader = stream.reader(
            stream.handle_fetch(handle),
            total,
            secret_for=_secret_of,
            context=_context(attachment),
            on_close=handle.close,
        )
    except BaseException:
        handle.close()
        raise
    return reader


def attachment_read(attachment: EncryptedAttachment) -> bytes:
    """The file's bytes (the caller has checked the reader may see the owning object); for
    files that may be large, ``attachment_open`` reads without holding them whole."""
    with attachment_open(attachment) as handle:
        return handle.read()


def _blob_key_id(attachment: EncryptedAttachment) -> str:
    with storage().open(attachment.blob, "rb") as handle:
        head = handle.read(len(MAGIC) + 1 + 255)
    key_id = stream.header_key_id(head)
    return key_id if key_id is not None else blob_key_id(head)


def attachment_erase(attachment: EncryptedAttachment) -> EncryptedAttachment:
    """Forget the file: its blob is deleted once the transaction commits, its name blanked."""
    old = attachment.blob
    attachment.blob = ""
    attachment.key_id = ""
    attachment.file_name = None
    attachment.content_type = None
    attachment.erased_at = timezone.now()
    attachment.save(update_fields=["blob", "key_id", "file_name", "content_type", "erased_at"])
    if old:
        transaction.on_commit(lambda: storage().delete(old))
    return attachment


def attachment_reencrypt(attachment: EncryptedAttachment) -> bool:
    """Move the file under the active key (key rotation); False if it already was.

    Writes a new blob (streamed, segment by segment), points the row at it, and deletes the
    old blob after commit: run it inside a transaction. A crash before the commit leaves an
    orphan, not a lost file.
    """
    active = keys.active_key().key_id
    if attachment.erased_at is not None or not attachment.blob:
        return False
    if _blob_key_id(attachment) == active:
        if attachment.key_id != active:
            EncryptedAttachment.objects.filter(pk=attachment.pk).update(key_id=active)
        return False
    old = attachment.blob
    with attachment_open(attachment) as plain:
        attachment.blob, _size = _write_blob(attachment, iter(lambda: plain.read(READ_CHUNK), b""))
    attachment.key_id = active
    EncryptedAttachment.objects.filter(pk=attachment.pk).update(blob=attachment.blob, key_id=active)
    transaction.on_commit(lambda: storage().delete(old))
    return True


def sweep_orphans(*, older_than: timedelta = timedelta(hours=1)) -> int:
    """Delete blobs no attachment points at (left by rolled-back or interrupted writes).

    Only blobs older than ``older_than`` go, so a file being stored right now is safe.
    """
    store = storage()
    try:
        _dirs, names = store.listdir(DIRECTORY)
    except (FileNotFoundError, NotImplementedError):
        return 0
    referenced = set(EncryptedAttachment.objects.exclude(blob="").values_list("blob", flat=True))
    cutoff = timezone.now() - older_than
    removed = 0
    for name in names:
        path = f"{DIRECTORY}/{name}"
        if path in referenced:
            continue
        try:
            modified = store.get_modified_time(path)
        except (NotImplementedError, OSError):
            continue
        if modified < cutoff:
            store.delete(path)
            removed += 1
    return removed
