"""What a file really is, from its first bytes, for the allow-list of case attachments.

Hand-written because the usual answer, libmagic (python-magic), is a C library that is not
on every server Pharos installs on (nor on Windows), and the pure-Python ``filetype``
package does not recognise plain text. The allow-list is short (PDF, JPEG, PNG, plain
text by default), and each of these has a fixed signature; anything else is "unknown" and
refused. The declared type and the file name's extension are never trusted on their own.
"""

from __future__ import annotations

import mimetypes

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
)
_TEXT_CONTROLS = {9, 10, 12, 13}
UNKNOWN = "application/octet-stream"


def sniff(data: bytes) -> str:
    """The media type the content shows (``application/octet-stream`` when none fits)."""
    for signature, media_type in _SIGNATURES:
        if data.startswith(signature):
            return media_type
    if _is_text(data):
        return "text/plain"
    return UNKNOWN


def _is_text(data: bytes) -> bool:
    if not data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not any(ord(ch) < 32 and ord(ch) not in _TEXT_CONTROLS for ch in text)


def extension_type(file_name: str) -> str | None:
    """The media type the file name's extension claims (None when it claims nothing)."""
    guessed, _encoding = mimetypes.guess_type(file_name or "", strict=False)
    return guessed
