"""Plain text (.txt): UTF-8 (with or without BOM), falling back to Windows-1252.

German offices still save text as Windows-1252 ("ANSI"); a file that is not valid UTF-8 is
read that way. UTF-16 with a byte order mark (Notepad's "Unicode") is read too. One Section
per file; hard-wrapped lines (e-mails, fixed-width exports) are joined into paragraphs
(``paragraphs``), and chunking splits at the blank lines. The decoding helpers here serve the
Markdown and CSV loaders too.
"""

from __future__ import annotations

import re
from pathlib import Path

from indexer.errors import LoaderError
from indexer.loaders.paragraphs import join_wrapped
from indexer.model import DocumentMeta, Section

# C0 control characters other than tab, line feed, form feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# A few stray control characters happen in real exports; more than this share is not text.
_MAX_CONTROL_SHARE = 0.01
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def read_bytes(path: Path) -> bytes:
    """The file's bytes; an OS error (permissions, vanished file) becomes a LoaderError."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoaderError(f"cannot read file: {exc.strerror or exc}") from exc


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (BOM stripped) or Windows-1252; reject what is not text at all."""
    if not data:
        raise LoaderError("empty file")
    if data.startswith(UTF16_BOMS):  # Notepad's "Unicode"
        try:
            return _normalise_newlines(data.decode("utf-16"))
        except UnicodeDecodeError as exc:
            raise LoaderError("binary content, not text") from exc
    if b"\x00" in data:
        raise LoaderError("binary content, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise LoaderError("binary content, not text") from exc
    controls = len(_CONTROL.findall(text))
    if controls > max(2, len(text) * _MAX_CONTROL_SHARE):
        raise LoaderError("binary content, not text")
    return _normalise_newlines(text)


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n\n")


def read_text(path: Path) -> str:
    """Read and decode a text file; every failure is a LoaderError with a clear reason."""
    return decode_text(read_bytes(path))


def load(path: Path, source: str) -> list[Section]:
    """One Section holding the whole text; wrapped lines joined, blank lines stay."""
    text = join_wrapped(read_text(path)).strip()
    if not text:
        raise LoaderError("no text (only whitespace)")
    return [Section(source=source, heading_path=(), text=text, meta=DocumentMeta())]
