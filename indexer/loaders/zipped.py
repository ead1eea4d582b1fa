"""Limits for ZIP-based formats (DOCX, ODT) before a library unpacks them into memory.

A few megabytes of deflated XML can unpack to gigabytes (a "zip bomb"); python-docx and odfpy
read every part whole, so one such file in the knowledge base would end the build with an
out-of-memory kill. The sizes declared in the ZIP directory are what ``zipfile`` will deliver
at most, so checking them is enough.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from indexer.errors import LoaderError

MAX_XML_BYTES = 64 * 1024 * 1024  # all XML parts together; a 1000-page report has ~20 MB
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # with the pictures
_XML_SUFFIXES = (".xml", ".rels")


def check_unpacked_size(path: Path, kind: str) -> None:
    """Raise LoaderError when the archive unpacks to more than the limits allow."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise LoaderError(f"corrupt {kind}: {str(exc)[:160]}") from exc
    xml = sum(p.file_size for p in parts if p.filename.lower().endswith(_XML_SUFFIXES))
    total = sum(p.file_size for p in parts)
    if xml > MAX_XML_BYTES or total > MAX_TOTAL_BYTES:
        raise LoaderError(
            f"{kind} unpacks to {total / 1e6:.0f} MB ({xml / 1e6:.0f} MB of XML), more than "
            f"the limit of {MAX_TOTAL_BYTES / 1e6:.0f} MB ({MAX_XML_BYTES / 1e6:.0f} MB of "
            "XML): damaged or a zip bomb; save it again or split it"
        )
