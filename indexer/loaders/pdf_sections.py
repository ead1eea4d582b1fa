"""A PDF's lines -> Sections: paragraphs joined, split at headings, one Section per page piece.

Every Section keeps the page it is on: a section that runs across a page break gives one
Section per page, both with the same heading path. Text before the first heading of a page
continues the section of the page before (its heading path carries over).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from indexer.loaders.paragraphs import (
    continues,
    ends_sentence,
    join,
    stands_alone,
    wide_length,
)
from indexer.loaders.pdf_headings import Level, Page, find_headings, numbering_depth
from indexer.loaders.pdf_lines import Line
from indexer.model import DocumentMeta, Section

SAME_PARAGRAPH = 1.3  # a baseline distance up to this many line pitches: the same paragraph
FULL_LINE = 0.8  # a line this long of its column's width ran to the margin


@dataclass
class _Outline:
    """The heading stack while walking the pages."""

    stack: list[tuple[Level, str]] = field(default_factory=list)
    last_heading: tuple[int, int] | None = None  # (page, line) of the previous line if heading

    def push(self, level: Level, text: str) -> None:
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, " ".join(text.split())))

    def extend_last(self, text: str) -> None:
        """A heading set over two lines is one heading."""
        level, known = self.stack[-1]
        self.stack[-1] = (level, join(known, " ".join(text.split())))

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(text for _, text in self.stack)


def sections_of(
    pages: Sequence[Page], source: str, meta: DocumentMeta
) -> tuple[list[Section], int]:
    """The Sections of the document and how many headings were found."""
    headings = find_headings(pages)
    outline = _Outline()
    sections: list[Section] = []
    for number, lines in pages:
        body: list[Line] = []
        opened = False  # a heading opened a section on this page: keep it even without body
        previous: Level | None = None
        for index, line in enumerate(lines):
            level = headings.get((number, index))
            if level is not None and level == previous and not numbering_depth(line.text):
                outline.extend_last(line.text)
                continue
            previous = level
            if level is None:
                body.append(line)
                continue
            _flush(sections, outline.path, body, number, source, meta, opened)
            outline.push(level, line.text)
            body, opened = [], True
        _flush(sections, outline.path, body, number, source, meta, opened)
    return sections, len(headings)


def _flush(
    sections: list[Section],
    path: tuple[str, ...],
    body: list[Line],
    page: int,
    source: str,
    meta: DocumentMeta,
    opened: bool,
) -> None:
    text = paragraphs(body)
    if text or (opened and path):
        sections.append(Section(source, path, text, page, meta))


def paragraphs(lines: Sequence[Line]) -> str:
    """The lines of one page piece as paragraphs: wrapped lines joined, list items and table
    rows one per line, paragraphs separated by a blank line."""
    wide = wide_length([line.text for line in lines])
    pitches = _line_pitches(lines)
    joined: list[str] = []
    previous: Line | None = None
    column = 0  # the longest line of the paragraph so far: its column's width
    for line in lines:
        pitch = pitches.get(line.size)
        if not line.text.strip():
            if not pitches:  # pypdf writes an empty line for a wide vertical gap; with
                previous = None  # baselines known, their distance decides (1.5-spaced text)
            continue
        if previous is not None and _continues(previous, line, wide, pitch, column):
            joined[-1] = join(joined[-1], line.text)
            column = max(column, len(line.text))
        else:
            joined.append(line.text.strip())
            column = len(line.text)
        previous = line
    return _separated(joined, wide)


def _continues(
    previous: Line, line: Line, wide: int, pitch: float | None, column: int
) -> bool:
    if abs(previous.size - line.size) > 0.6:
        return False
    if pitch is None or previous.y is None or line.y is None:
        return continues(previous.text, line.text, wide)
    gap = previous.y - line.y
    if gap <= 0 or gap > SAME_PARAGRAPH * pitch:
        return False  # a new column, a table cell, or space between paragraphs
    full = int(FULL_LINE * max(column, len(line.text)))
    return continues(previous.text, line.text, full, same_paragraph=True)


def _line_pitches(lines: Sequence[Line]) -> dict[float, float]:
    """Per font size, the usual distance between two baselines of one paragraph on this page
    (body text and footnotes are spaced differently)."""
    filled = [line for line in lines if line.text.strip()]
    gaps: dict[float, list[float]] = {}
    for a, b in zip(filled, filled[1:], strict=False):
        if a.y is not None and b.y is not None and a.size == b.size:
            if 0 < a.y - b.y < 3 * max(a.size, 1.0):
                gaps.setdefault(a.size, []).append(a.y - b.y)
    return {size: statistics.median(found) for size, found in gaps.items() if len(found) >= 2}


def _separated(lines: list[str], wide: int) -> str:
    """Paragraphs get a blank line between them; list items, table rows and short pieces
    (cells, address lines) stay together, one per line."""
    out: list[str] = []
    for index, line in enumerate(lines):
        if index:
            before = lines[index - 1]
            item = stands_alone(line) and (stands_alone(before) or before.endswith(":"))
            piece = len(before) < wide and not ends_sentence(before)
            out.append("\n" if item or piece else "\n\n")
        out.append(line)
    return "".join(out)
