"""PDF via pypdf: one Section per page with text, 1-based page numbers.

The heading path of a page comes from the PDF's bookmarks (outline) where it has them.
Encrypted PDFs are opened with the empty password (many "protected" forms only restrict
printing); otherwise they are reported. A page whose text layer breaks pypdf is skipped and
logged; a PDF without any text (a scan) is reported as such.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from indexer.errors import LoaderError
from indexer.model import DocumentMeta, Section

log = logging.getLogger(__name__)

# Private-use code points and C0 controls are what a broken font mapping leaves behind.
_JUNK = re.compile(r"[\ue000-\uf8ff\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–]\s*\d+\s*[-–]|[-–]?\s*(?:Seite|Page)\s+\d+(?:\s+(?:von|of)\s+\d+)?\s*[-–]?)\s*$"
)
_HYPHENATED = re.compile(r"([a-zäöüß])-\n[ \t]*([a-zäöüß])")
_LETTER_SPACED = re.compile(r"^(?:[^\W\d_] ){2,}[^\W\d_]$")  # a whole "w o r d" segment
_LONG_LETTER_SPACED = re.compile(r"^(?:[^\W\d_] ){4,}[^\W\d_]$")
_WIDE_GAP = re.compile(r"( {2,})")
_TITLE_NOISE = re.compile(r"^(microsoft (word|powerpoint|excel) - |untitled$|unbenannt)", re.I)


def load(path: Path, source: str) -> list[Section]:
    """Sections of a PDF, one per page that has text."""
    reader = _open(path)
    try:
        page_count = len(reader.pages)
    except Exception as exc:  # pypdf raises many types for a broken page tree
        raise LoaderError(f"corrupt PDF: {_short(exc)}") from exc
    if page_count == 0:
        raise LoaderError("PDF has no pages")
    headings = _page_headings(reader, page_count)
    pages: list[tuple[int, str]] = []
    for number in range(1, page_count + 1):
        text = _page_text(reader, number, source)
        if text:
            pages.append((number, text))
    if not pages:
        raise LoaderError("no text layer (scanned?)")
    meta = _meta(reader, first_text=pages[0][1])
    return [Section(source, headings.get(number, ()), text, number, meta) for number, text in pages]


def _open(path: Path) -> Any:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(path)
    except OSError:
        raise
    except Exception as exc:
        raise LoaderError(f"corrupt PDF: {_short(exc)}") from exc
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except DependencyError as exc:
            raise LoaderError("encrypted (needs the 'cryptography' package to open)") from exc
        except Exception as exc:
            raise LoaderError(f"encrypted, cannot open: {_short(exc)}") from exc
        if not opened:
            raise LoaderError("encrypted (password required)")
    return reader


def _page_text(reader: Any, number: int, source: str) -> str:
    try:
        raw = reader.pages[number - 1].extract_text() or ""
    except Exception as exc:  # a garbled text layer must not cost the other pages
        log.warning("%s: page %d: text not extractable (%s)", source, number, _short(exc))
        return ""
    return clean_text(raw)


def clean_text(raw: str) -> str:
    """Undo what PDF layout does to words, so search finds them.

    Drops broken-font residue and page-number lines ("- 11 -", "Seite 3 von 7"), joins
    words hyphenated at a line end ("Ehegat-\nten"), and closes letter-spaced headings
    ("B e h ö r d e  f ü r" -> "Behörde für").
    """
    text = _JUNK.sub("", raw).replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n") if not _PAGE_NUMBER.match(line)]
    text = _HYPHENATED.sub(r"\1\2", "\n".join(lines))
    return "\n".join(_close_letter_spacing(line) for line in text.split("\n")).strip()


def _close_letter_spacing(line: str) -> str:
    """Letter-spaced words are separated by wider gaps: close each all-letters segment."""
    if "  " not in line:  # one letter-spaced word alone on its line: only when long
        stripped = line.strip()
        return stripped.replace(" ", "") if _LONG_LETTER_SPACED.match(stripped) else line
    parts = _WIDE_GAP.split(line)
    return "".join(
        p.replace(" ", "") if i % 2 == 0 and _LETTER_SPACED.match(p.strip()) else p
        for i, p in enumerate(parts)
    )


def _meta(reader: Any, first_text: str) -> DocumentMeta:
    info: dict[str, Any] = {}
    try:
        info = dict(reader.metadata or {})
    except Exception as exc:
        log.debug("unreadable PDF metadata: %s", _short(exc))
    title = _text_value(info.get("/Title"))
    title = re.sub(r"(?i)^microsoft (word|powerpoint|excel) - ", "", title).strip()
    if not title or _TITLE_NOISE.match(title):
        title = _first_line(first_text)
    keywords = tuple(
        k.strip() for k in re.split(r"[,;]", _text_value(info.get("/Keywords"))) if k.strip()
    )
    return DocumentMeta(title=title, keywords=keywords)


def _text_value(value: Any) -> str:
    if value is None:
        return ""
    return _JUNK.sub("", str(value)).strip()


def _first_line(text: str, limit: int = 120) -> str:
    line = next((line.strip() for line in text.split("\n") if len(line.strip()) > 2), "")
    return line[:limit].rsplit(" ", 1)[0] if len(line) > limit else line


def _page_headings(reader: Any, page_count: int) -> dict[int, tuple[str, ...]]:
    """Page -> heading path from the bookmarks (the last one starting at or before it)."""
    try:
        entries = sorted(_outline_entries(reader, reader.outline, ()), key=lambda e: e[0])
    except Exception as exc:  # a broken outline is no reason to lose the text
        log.debug("unreadable PDF outline: %s", _short(exc))
        return {}
    headings: dict[int, tuple[str, ...]] = {}
    current: tuple[str, ...] = ()
    position = 0
    for number in range(1, page_count + 1):
        while position < len(entries) and entries[position][0] <= number:
            current = entries[position][1]
            position += 1
        if current:
            headings[number] = current
    return headings


def _outline_entries(
    reader: Any, outline: list[Any], parents: tuple[str, ...]
) -> list[tuple[int, tuple[str, ...]]]:
    entries: list[tuple[int, tuple[str, ...]]] = []
    last: tuple[str, ...] = parents
    for item in outline:
        if isinstance(item, list):
            entries.extend(_outline_entries(reader, item, last))
            continue
        title = _text_value(getattr(item, "title", ""))
        page_index = reader.get_destination_page_number(item)
        if title and page_index is not None and page_index >= 0:
            last = (*parents, title)
            entries.append((page_index + 1, last))
    return entries


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]
