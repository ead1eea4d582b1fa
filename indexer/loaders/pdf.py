"""PDF via pypdf: Sections split at the headings found on each page, 1-based page numbers.

Lines come with their font size and weight (``pdf_lines``); hard-wrapped lines are joined
into paragraphs, headings are found by look, numbering and shape (``pdf_headings``), and a
page gives one Section per heading on it (``pdf_sections``); page numbers stay exact. A PDF
in which no heading is found takes its heading paths from its bookmarks (outline), one
Section per page. Encrypted PDFs are opened with the empty password (many "protected" forms
only restrict printing); otherwise they are reported. A page whose text layer breaks pypdf is
skipped and logged; a PDF without any text (a scan) is reported as such.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from indexer.errors import LoaderError
from indexer.loaders.pdf_lines import JUNK as _JUNK
from indexer.loaders.pdf_lines import Line, drop_running_lines, page_lines
from indexer.loaders.pdf_sections import paragraphs, sections_of
from indexer.model import DocumentMeta, Section

log = logging.getLogger(__name__)

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–]\s*\d+\s*[-–]|[-–]?\s*(?:Seite|Page)\s+\d+(?:\s+(?:von|of)\s+\d+)?\s*[-–]?)\s*$"
)
_HYPHENATED = re.compile(r"([a-zäöüß])-\n[ \t]*([a-zäöüß])")
_LETTER_SPACED = re.compile(r"^(?:[^\W\d_] ){2,}[^\W\d_]$")  # a whole "w o r d" segment
_LONG_LETTER_SPACED = re.compile(r"^(?:[^\W\d_] ){4,}[^\W\d_]$")
_WIDE_GAP = re.compile(r"( {2,})")
_TITLE_NOISE = re.compile(r"^(microsoft (word|powerpoint|excel) - |untitled$|unbenannt)", re.I)


def load(path: Path, source: str) -> list[Section]:
    """Sections of a PDF: per page, one for each heading on it (and the text before it)."""
    reader = _open(path)
    try:
        page_count = len(reader.pages)
    except Exception as exc:  # pypdf raises many types for a broken page tree
        raise LoaderError(f"corrupt PDF: {_short(exc)}") from exc
    if page_count == 0:
        raise LoaderError("PDF has no pages")
    pages: list[tuple[int, list[Line]]] = []
    for number in range(1, page_count + 1):
        lines = _page_lines(reader, number, source)
        if any(line.text.strip() for line in lines):
            pages.append((number, lines))
    if not pages:
        raise LoaderError("no text layer (scanned?)")
    pages = drop_running_lines(pages)
    meta = _meta(reader, first_text="\n".join(line.text for line in pages[0][1]))
    sections, headings = sections_of(pages, source, meta)
    if not headings:
        sections = _by_outline(reader, pages, source, meta)
    if not any(section.text for section in sections):
        raise LoaderError("no text layer (scanned?)")
    return sections


def _by_outline(
    reader: Any, pages: list[tuple[int, list[Line]]], source: str, meta: DocumentMeta
) -> list[Section]:
    """One Section per page, its heading path from the bookmarks."""
    headings = _page_headings(reader, pages[-1][0])
    sections = []
    for number, lines in pages:
        text = paragraphs(lines)
        if text:
            sections.append(Section(source, headings.get(number, ()), text, number, meta))
    return sections


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


def _page_lines(reader: Any, number: int, source: str) -> list[Line]:
    try:
        lines = page_lines(reader.pages[number - 1])
    except Exception as exc:  # a garbled text layer must not cost the other pages
        log.warning("%s: page %d: text not extractable (%s)", source, number, _short(exc))
        return []
    return [
        replace(line, text=" ".join(_close_letter_spacing(line.text).split()))
        for line in lines
        if not _PAGE_NUMBER.match(line.text)
    ]


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
