"""Files sealed in segments: any size in constant memory, random access, and no way to cut,
reorder or swap segments; uploads too large for memory never touch the disk in clear."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages

from pharos.privacy import files, stream, uploads
from pharos.privacy.cipher import DecryptionError
from pharos.privacy.models import EncryptedAttachment

# Three and a half segments, with a recognisable marker in every segment.
MARKER = b"Quokkaburg Zyxwvut 1990-07-13;"
BIG = b"".join(MARKER + i.to_bytes(4, "big") * 8 for i in range(7000))[
    : stream.SEGMENT * 3 + stream.SEGMENT // 2
]


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def blob_path(media: Path, attachment: EncryptedAttachment) -> Path:
    return media / attachment.blob


@pytest.mark.django_db
def test_a_file_of_several_segments_reads_back_whole_and_at_any_offset(media: Path) -> None:
    chunks = [BIG[i : i + 10_000] for i in range(0, len(BIG), 10_000)]
    attachment = files.attachment_store(content=iter(chunks), file_name="cases.csv", limit=len(BIG))
    assert attachment.size == len(BIG)
    on_disk = blob_path(media, attachment).read_bytes()
    assert MARKER not in on_disk
    assert len(on_disk) == len(BIG) + 4 * stream.TAG + len(stream.MAGIC) + 1 + 2 + stream.SALT
    assert files.attachment_read(attachment) == BIG
    picker = random.Random(7)
    with files.attachment_open(attachment) as handle:
        for _ in range(50):
            offset = picker.randrange(len(BIG))
            length = picker.randrange(1, 3 * stream.SEGMENT)
            handle.seek(offset)
            assert handle.read(length) == BIG[offset : offset + length]
        handle.seek(-10, os.SEEK_END)
        assert handle.read() == BIG[-10:]


@pytest.mark.django_db
def test_an_empty_file_and_a_file_of_exactly_one_segment_round_trip(media: Path) -> None:
    for content in (b"", b"x" * stream.SEGMENT, b"y" * (2 * stream.SEGMENT)):
        assert files.attachment_read(files.attachment_store(content=content, file_name="f")) == content


@pytest.mark.django_db
@pytest.mark.parametrize("damage", ["cut at a segment boundary", "segments swapped", "last segment dropped"])
def test_a_cut_or_reordered_file_does_not_open(media: Path, damage: str) -> None:
    attachment = files.attachment_store(content=BIG, file_name="cases.csv", limit=len(BIG))
    path = blob_path(media, attachment)
    data = path.read_bytes()
    header = len(stream.MAGIC) + 1 + 2 + stream.SALT
    size = stream.SEGMENT + stream.TAG
    segments = [data[header + i * size : header + (i + 1) * size] for i in range(4)]
    if damage == "cut at a segment boundary":
        damaged = data[: header + 2 * size]
    elif damage == "segments swapped":
        damaged = data[:header] + segments[1] + segments[0] + segments[2] + segments[3]
    else:
        damaged = data[:header] + b"".join(segments[:3])
    path.write_bytes(damaged)
    with pytest.raises(DecryptionError):
        files.attachment_read(attachment)


@pytest.mark.django_db
def test_a_file_over_the_limit_keeps_nothing(media: Path) -> None:
    with pytest.raises(files.AttachmentTooLarge):
        files.attachment_store(content=iter([BIG[:100_000], BIG[100_000:]]), file_name="big", limit=150_000)
    assert not EncryptedAttachment.objects.exists()
    assert list((media / files.DIRECTORY).glob("*")) == []


@pytest.mark.django_db
def test_a_blob_of_the_whole_file_format_still_opens(media: Path) -> None:
    attachment = files.attachment_store(content=b"placeholder", file_name="old.pdf")
    legacy = files.seal(b"sealed whole, before segments", context=files._context(attachment))
    blob_path(media, attachment).write_bytes(legacy)
    assert files.attachment_read(attachment) == b"sealed whole, before segments"


@pytest.mark.django_db
def test_key_rotation_streams_the_file_to_the_new_key(media: Path, settings) -> None:
    attachment = files.attachment_store(content=BIG, file_name="cases.csv", limit=len(BIG))
    old = attachment.blob
    settings.PHAROS_FIELD_KEYS = ["t2:" + "B" * 43, *settings.PHAROS_FIELD_KEYS]
    assert files.attachment_reencrypt(attachment) is True
    assert attachment.blob != old
    assert blob_path(media, attachment).read_bytes()[5:7] == b"t2"
    assert files.attachment_read(attachment) == BIG
    assert storages["default"].exists(old)  # deleted only once the transaction commits


def _upload(content: bytes, *, limit: int, settings) -> uploads.SealedUploadedFile:
    settings.PHAROS_UPLOAD_MAX_BYTES = limit
    handler = uploads.SealedTemporaryUploadHandler()
    handler.new_file("file", "cases.csv", "text/csv", len(content))
    for start in range(0, len(content), 8192):
        handler.receive_data_chunk(content[start : start + 8192], start)
    return handler.file_complete(len(content))


def test_a_large_upload_is_on_disk_only_sealed_and_reads_back(settings) -> None:
    upload = _upload(BIG, limit=10 * len(BIG), settings=settings)
    try:
        on_disk = os.pread(upload._sealed.fileno(), 2 * len(BIG), 0)
        assert MARKER not in on_disk
        assert upload.size == len(BIG)
        assert b"".join(upload.chunks()) == BIG
        first, second = upload.reader(), upload.reader()  # independent readers
        second.seek(stream.SEGMENT + 5)
        assert first.read(100) == BIG[:100]
        assert second.read(100) == BIG[stream.SEGMENT + 5 : stream.SEGMENT + 105]
        uploads.validate_complete(upload)
    finally:
        upload.close()


def test_an_upload_over_the_limit_keeps_only_its_size_and_says_so(settings) -> None:
    upload = _upload(BIG, limit=100_000, settings=settings)
    assert upload.size == len(BIG)
    with pytest.raises(ValidationError, match="uploads may be at most 0 MB"):
        uploads.validate_complete(upload)
    with pytest.raises(uploads.UploadTooLarge):
        upload.read()
    upload.close()
