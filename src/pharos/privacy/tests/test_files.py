"""Encrypted attachments: nothing readable on disk or in the database, bound to their row."""

from __future__ import annotations

import io
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from pharos.privacy import files
from pharos.privacy.cipher import DecryptionError
from pharos.privacy.models import EncryptedAttachment

CONTENT = b"%PDF-1.7 passport scan of Quokkaburg Zyxwvut, born 1990-07-13"


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def blob_files(media: Path) -> list[Path]:
    return sorted((media / files.DIRECTORY).glob("*"))


@pytest.mark.django_db
def test_store_and_read_back(media: Path) -> None:
    attachment = files.attachment_store(
        content=CONTENT, file_name="C:/scans/Quokkaburg-passport.pdf", content_type="application/pdf"
    )
    fresh = EncryptedAttachment.objects.get(pk=attachment.pk)
    assert files.attachment_read(fresh) == CONTENT
    assert fresh.file_name == "Quokkaburg-passport.pdf"
    assert fresh.content_type == "application/pdf"
    assert fresh.size == len(CONTENT)
    assert fresh.key_id == "t1"
    [blob] = blob_files(media)
    assert fresh.blob == f"{files.DIRECTORY}/{blob.name}"
    on_disk = blob.read_bytes()
    assert on_disk.startswith(b"PXF2")
    assert b"Quokkaburg" not in on_disk
    assert b"passport" not in on_disk


@pytest.mark.django_db
def test_name_and_type_are_encrypted_in_the_database(media: Path) -> None:
    attachment = files.attachment_store(
        content=CONTENT, file_name="Quokkaburg.pdf", content_type="application/pdf"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT file_name, content_type, blob FROM privacy_encryptedattachment WHERE id = %s",
            [attachment.pk],
        )
        row = cursor.fetchone()
    assert all(value.startswith("pX1.") for value in row[:2])
    assert "Quokkaburg" not in " ".join(row)


@pytest.mark.django_db
def test_uploaded_files_are_read_in_chunks(media: Path) -> None:
    upload = SimpleUploadedFile("scan.pdf", CONTENT, content_type="application/pdf")
    attachment = files.attachment_store(
        content=upload, file_name=upload.name, content_type=upload.content_type
    )
    assert files.attachment_read(attachment) == CONTENT
    assert files.attachment_read(files.attachment_store(content=io.BytesIO(b"x"), file_name="x")) == b"x"


@pytest.mark.django_db
def test_files_over_the_limit_are_refused(media: Path, settings) -> None:
    settings.PHAROS_ATTACHMENT_MAX_BYTES = 1024 * 1024
    with pytest.raises(files.AttachmentTooLarge, match="1 MB"):
        files.attachment_store(content=b"x" * (1024 * 1024 + 1), file_name="big.bin")
    with pytest.raises(files.AttachmentTooLarge):
        files.attachment_store(content=io.BytesIO(b"x" * (1024 * 1024 + 1)), file_name="big.bin")
    assert not EncryptedAttachment.objects.exists()
    assert blob_files(media) == []


@pytest.mark.django_db
def test_blob_copied_onto_another_attachment_does_not_open(media: Path) -> None:
    first = files.attachment_store(content=CONTENT, file_name="a.pdf")
    second = files.attachment_store(content=b"other", file_name="b.pdf")
    EncryptedAttachment.objects.filter(pk=second.pk).update(blob=first.blob)
    second.refresh_from_db()
    with pytest.raises(DecryptionError):
        files.attachment_read(second)


@pytest.mark.django_db
def test_tampered_blob_does_not_open(media: Path) -> None:
    attachment = files.attachment_store(content=CONTENT, file_name="a.pdf")
    [blob] = blob_files(media)
    data = bytearray(blob.read_bytes())
    data[-20] ^= 0x01
    blob.write_bytes(bytes(data))
    with pytest.raises(DecryptionError):
        files.attachment_read(attachment)


@pytest.mark.django_db
def test_erase_deletes_the_blob_after_commit(media: Path, django_capture_on_commit_callbacks) -> None:
    attachment = files.attachment_store(content=CONTENT, file_name="a.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        files.attachment_erase(attachment)
    fresh = EncryptedAttachment.objects.get(pk=attachment.pk)
    assert fresh.erased_at is not None
    assert fresh.file_name is None
    assert fresh.blob == ""
    assert blob_files(media) == []
    with pytest.raises(FileNotFoundError):
        files.attachment_read(fresh)


@pytest.mark.django_db
def test_sweep_removes_only_old_unreferenced_blobs(media: Path) -> None:
    kept = files.attachment_store(content=CONTENT, file_name="a.pdf")
    orphan_old = media / files.DIRECTORY / "orphan-old"
    orphan_new = media / files.DIRECTORY / "orphan-new"
    orphan_old.write_bytes(b"PXF1...")
    orphan_new.write_bytes(b"PXF1...")
    two_hours_ago = time.time() - timedelta(hours=2).total_seconds()
    os.utime(orphan_old, (two_hours_ago, two_hours_ago))
    blob = media / kept.blob
    os.utime(blob, (two_hours_ago, two_hours_ago))
    assert files.sweep_orphans() == 1
    assert sorted(p.name for p in blob_files(media)) == sorted([blob.name, "orphan-new"])
