"""Encrypted attachments: file bytes sealed with AES-256-GCM in any Django storage.

A module that keeps files about a person (a scanned document, a photo) stores them with
``attachment_store(...)`` inside its own action and keeps a foreign key to the returned
:class:`~pharos.privacy.models.EncryptedAttachment`; it reads them back with
``attachment_read`` after its own scope check. The bytes go to the default storage under
``encrypted/<random uuid>`` (``MEDIA_ROOT/encrypted/`` with the file-system storage); the
original name and content type are encrypted columns of the row, so neither the disk nor
the database shows what a file is.

Blob format: ``PXF1 | len(key id) | key id | nonce[12] | ciphertext | tag[16]``, the
associated data naming the attachment's public id: a blob copied onto another attachment
does not open. Files are sealed whole, in memory, up to ``PHAROS_ATTACHMENT_MAX_BYTES``
(20 MiB unless set); uploads stay in memory too (FILE_UPLOAD_HANDLERS), so no plaintext
temporary file is written. A stored blob is never overwritten: re-encryption writes a new
blob and deletes the old one after commit, so an interruption loses nothing.
"""

from __future__ import annotations

import os
import uuid
from datetime import timedelta
from typing import IO

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone

from pharos.privacy import keys
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


def _read_capped(content: bytes | IO[bytes]) -> bytes:
    limit = max_bytes()
    if isinstance(content, bytes | bytearray):
        data = bytes(content)
    else:
        chunks: list[bytes] = []
        size = 0
        chunk_reader = getattr(content, "chunks", None)
        parts = chunk_reader() if chunk_reader is not None else iter(lambda: content.read(READ_CHUNK), b"")
        for chunk in parts:
            size += len(chunk)
            if size > limit:
                break
            chunks.append(chunk)
        data = b"".join(chunks)
        if size > limit:
            raise AttachmentTooLarge(f"Files may be at most {limit // (1024 * 1024)} MB.")
    if len(data) > limit:
        raise AttachmentTooLarge(f"Files may be at most {limit // (1024 * 1024)} MB.")
    return data


def _write_blob(attachment: EncryptedAttachment, data: bytes) -> str:
    sealed = seal(data, context=_context(attachment))
    return storage().save(f"{DIRECTORY}/{uuid.uuid4().hex}", ContentFile(sealed))


def attachment_store(
    *, content: bytes | IO[bytes], file_name: str, content_type: str = "application/octet-stream"
) -> EncryptedAttachment:
    """Encrypt and store a file; call inside the owning module's action (which audits it).

    If that transaction rolls back, the blob stays behind unreferenced and
    ``sweep_orphans`` removes it later; it is encrypted, so nothing leaks meanwhile.
    """
    data = _read_capped(content)
    attachment = EncryptedAttachment(
        key_id=keys.active_key().key_id,
        size=len(data),
        file_name=os.path.basename((file_name or "").replace("\\", "/"))[:255] or None,
        content_type=(content_type or "application/octet-stream")[:255],
    )
    attachment.blob = _write_blob(attachment, data)
    attachment.save()
    return attachment


def attachment_read(attachment: EncryptedAttachment) -> bytes:
    """The file's bytes (the caller has checked the reader may see the owning object)."""
    if attachment.erased_at is not None or not attachment.blob:
        raise FileNotFoundError("This attachment was erased.")
    with storage().open(attachment.blob, "rb") as handle:
        blob = handle.read()
    return open_sealed(blob, context=_context(attachment))


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

    Writes a new blob, points the row at it, and deletes the old blob after commit: run it
    inside a transaction. A crash before the commit leaves an orphan, not a lost file.
    """
    active = keys.active_key().key_id
    if attachment.erased_at is not None or not attachment.blob:
        return False
    with storage().open(attachment.blob, "rb") as handle:
        blob = handle.read()
    if blob_key_id(blob) == active:
        if attachment.key_id != active:
            EncryptedAttachment.objects.filter(pk=attachment.pk).update(key_id=active)
        return False
    data = open_sealed(blob, context=_context(attachment))
    old = attachment.blob
    attachment.blob = _write_blob(attachment, data)
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
