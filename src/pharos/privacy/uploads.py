"""Uploads too big for memory, kept on disk only encrypted, under a key that never leaves memory.

Django writes an upload over ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to a plaintext temporary file;
an import of a million victims' records would then sit on disk in clear. This handler takes
its place: each chunk is sealed (``pharos.privacy.stream``) as it arrives into an unnamed
temporary file, under a random key held only by the request. Nothing written can be read
once the process ends, even if it is killed before the file is closed. The uploaded file
reads (and seeks) as usual, decrypting only what is read.

An upload is taken up to ``PHAROS_UPLOAD_MAX_BYTES``; past that the rest of the body is read
and dropped, the file's ``size`` still says how big it was (so the form can say it is too
large) and reading it raises ``UploadTooLarge``: a part of a file is never taken for the whole.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _

from pharos.privacy import stream

DEFAULT_MAX_BYTES = 1024 * 1024 * 1024
CONTEXT = "upload"
KEY_ID = "upload"


class UploadTooLarge(ValueError):
    """The upload was over PHAROS_UPLOAD_MAX_BYTES, so only its size was kept."""


def max_bytes() -> int:
    return int(getattr(settings, "PHAROS_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def validate_complete(upload: Any) -> None:
    """Form field validator: refuse an upload that was over PHAROS_UPLOAD_MAX_BYTES."""
    if getattr(upload, "complete", True) is False:
        raise ValidationError(
            _("The file is %(size)d MB; uploads may be at most %(limit)d MB.")
            % {"size": upload.size // 2**20, "limit": max_bytes() // 2**20},
            code="too_large",
        )


class SealedUploadedFile(UploadedFile):
    """An upload sealed in a temporary file; reads decrypt. ``reader()`` gives an independent
    seekable reader (several may be open at once: they read by offset)."""

    def __init__(
        self,
        sealed: io.BufferedRandom,
        secret: bytes,
        *,
        name: str,
        content_type: str,
        size: int,
        charset: str | None,
        content_type_extra: dict[str, Any] | None,
        complete: bool,
    ) -> None:
        self._sealed = sealed
        self._secret = secret
        self.complete = complete
        super().__init__(
            self._new_reader() if complete else io.BytesIO(),
            name,
            content_type,
            size,
            charset,
            content_type_extra,
        )

    def _new_reader(self) -> io.BufferedReader:
        total = os.fstat(self._sealed.fileno()).st_size
        return stream.reader(
            stream.pread_fetch(self._sealed.fileno()),
            total,
            secret_for=lambda _key_id: self._secret,
            context=CONTEXT,
        )

    def reader(self) -> io.BufferedReader:
        if not self.complete:
            raise UploadTooLarge(self.too_large_message())
        return self._new_reader()

    def too_large_message(self) -> str:
        return f"Uploads may be at most {max_bytes() // (1024 * 1024)} MB."

    def read(self, *args: Any, **kwargs: Any) -> bytes:
        if not self.complete:
            raise UploadTooLarge(self.too_large_message())
        return super().read(*args, **kwargs)  # type: ignore[no-any-return]

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        if not self.complete:
            raise UploadTooLarge(self.too_large_message())
        return super().chunks(chunk_size)

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._sealed.close()  # an unnamed file: closing it frees its blocks


class SealedTemporaryUploadHandler(FileUploadHandler):
    """Put after Django's MemoryFileUploadHandler in FILE_UPLOAD_HANDLERS (it takes the rest)."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._secret = os.urandom(32)
        self._sealer = stream.Sealer(secret=self._secret, key_id=KEY_ID, context=CONTEXT)
        directory = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
        # Kept open across the upload (closed by the uploaded file or upload_interrupted).
        self._file = tempfile.TemporaryFile(dir=directory)  # noqa: SIM115
        self._file.write(self._sealer.header)
        self._received = 0
        self._limit = max_bytes()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self._received += len(raw_data)
        if self._received <= self._limit:
            for piece in self._sealer.update(raw_data):
                self._file.write(piece)
        return None

    def file_complete(self, file_size: int) -> SealedUploadedFile:
        complete = self._received <= self._limit
        if complete:
            self._file.write(self._sealer.finish())
        self._file.flush()
        return SealedUploadedFile(
            self._file,
            self._secret,
            name=self.file_name or "",
            content_type=self.content_type or "application/octet-stream",
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
            complete=complete,
        )

    def upload_interrupted(self) -> None:
        file = getattr(self, "_file", None)
        if file is not None:
            file.close()


class UploadField(forms.FileField):
    """A file field that refuses, with the size in the message, an upload that was too large:
    over PHAROS_UPLOAD_MAX_BYTES, or over ``max_bytes`` (a number or a callable giving one,
    read when the form is checked, so settings changed at run time count)."""

    default_validators = [validate_complete]

    def __init__(self, *args: Any, max_bytes: int | Callable[[], int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and self.max_bytes is not None:
            limit = self.max_bytes() if callable(self.max_bytes) else self.max_bytes
            if value.size > limit:
                raise ValidationError(
                    _("The file is %(size)d MB; files here may be at most %(limit)d MB.")
                    % {"size": -(-value.size // 2**20), "limit": limit // 2**20},
                    code="too_large",
                )
