"""A PDF page's text lines with what pypdf tells about their look: font size, weight, position.

pypdf's ``extract_text(visitor_text=...)`` hands over every piece of text it writes, with the
text and current transformation matrices and the font; the pieces concatenate to exactly the
extracted text. A line's size and weight are those of most of its characters; its position is
the baseline of its first piece. Headings and paragraph breaks are read from these.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# Private-use code points and C0 controls are what a broken font mapping leaves behind.
JUNK = re.compile(r"[\ue000-\uf8ff\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
# A symbol-font bullet (Wingdings, Symbol) arrives as a private-use character.
_JUNK_BULLET = re.compile(r"^\s*[\ue000-\uf8ff\uf0b7]\s+(?=\S)")
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi|,b$|-b$", re.IGNORECASE)
_BOLD_SHARE = 0.8  # a line is bold when this share of its letters is
_FORCE_BOLD = 1 << 18
EDGE = 2  # running headers and footers are among a page's first and last two lines


@dataclass(frozen=True)
class Line:
    """One extracted line: text, dominant font size (points), bold, baseline y (None: unknown)."""

    text: str
    size: float
    bold: bool
    y: float | None


@dataclass
class _Draft:
    parts: list[str] = field(default_factory=list)
    sizes: Counter[float] = field(default_factory=Counter)
    bold_chars: int = 0
    chars: int = 0
    y: float | None = None

    def add(self, text: str, size: float, bold: bool, y: float | None) -> None:
        self.parts.append(text)
        letters = sum(1 for c in text if not c.isspace())
        if letters:
            self.sizes[size] += letters
            self.chars += letters
            self.bold_chars += letters if bold else 0
            self.y = y if self.y is None else self.y

    def line(self) -> Line:
        size = self.sizes.most_common(1)[0][0] if self.sizes else 0.0
        bold = self.chars > 0 and self.bold_chars >= _BOLD_SHARE * self.chars
        return Line("".join(self.parts), size, bold, self.y)


class _Collector:
    def __init__(self) -> None:
        self.drafts: list[_Draft] = [_Draft()]
        self.bold_fonts: dict[int, bool] = {}

    def visit(self, text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if not text:
            return
        effective, y = _placement(cm, tm, size)
        bold = self._is_bold(font)
        first, *rest = text.split("\n")
        self.drafts[-1].add(first, effective, bold, y)
        for part in rest:
            self.drafts.append(_Draft())
            self.drafts[-1].add(part, effective, bold, y)

    def _is_bold(self, font: Any) -> bool:
        if not font:
            return False
        key = id(font)
        if key not in self.bold_fonts:
            self.bold_fonts[key] = font_is_bold(font)
        return self.bold_fonts[key]


def font_is_bold(font: Any) -> bool:
    """Bold by the font's name ("Arial-BoldMT", "Arial,Bold") or its descriptor."""
    try:
        name = str(font.get("/BaseFont", "")).split("+")[-1]
        if _BOLD_NAME.search(name):
            return True
        descriptor = font.get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor is not None else {}
        weight = float(descriptor.get("/FontWeight", 400))
        flags = int(descriptor.get("/Flags", 0))
    except Exception:  # odd font dictionaries are common; weight is only a hint
        return False
    return weight >= 600 or bool(flags & _FORCE_BOLD)


def _placement(cm: Any, tm: Any, size: Any) -> tuple[float, float | None]:
    """Font size in points and baseline y on the page, from text matrix x CTM."""
    try:
        a, b, c, d, e, f = (float(v) for v in tm)
        ca, cb, cc, cd, ce, cf = (float(v) for v in cm)
        scale_y = ((c * ca + d * cc) ** 2 + (c * cb + d * cd) ** 2) ** 0.5
        y = e * cb + f * cd + cf
        return round(float(size or 0) * (scale_y or 1.0), 1), (y if (e or f) else None)
    except (TypeError, ValueError):
        return round(float(size or 0), 1) if isinstance(size, (int, float)) else 0.0, None


def page_lines(page: Any) -> list[Line]:
    """The page's lines, junk characters removed (a symbol bullet becomes "•")."""
    collector = _Collector()
    page.extract_text(visitor_text=collector.visit)
    lines = []
    for draft in collector.drafts:
        line = draft.line()
        text = JUNK.sub("", _JUNK_BULLET.sub("• ", line.text)).rstrip()
        lines.append(Line(text, line.size, line.bold, line.y))
    return lines


def _edge_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split()).casefold())


def drop_running_lines(pages: list[tuple[int, list[Line]]]) -> list[tuple[int, list[Line]]]:
    """Without the running header and footer: a line among the first or last ``EDGE`` lines of
    a page whose text (numbers aside) is there on at least half of the pages, two at least."""
    if len(pages) < 2:
        return pages
    counts: Counter[str] = Counter()
    for _, lines in pages:
        counts.update({_edge_key(line.text) for line in _edges(lines)})
    running = {k for k, n in counts.items() if k and n >= max(2, len(pages) / 2)}
    if not running:
        return pages
    kept = []
    for number, lines in pages:
        edges = {id(line) for line in _edges(lines)}
        kept.append((number, [
            line for line in lines if id(line) not in edges or _edge_key(line.text) not in running
        ]))  # fmt: skip
    return kept


def _edges(lines: list[Line]) -> list[Line]:
    filled = [line for line in lines if line.text.strip()]
    return filled[:EDGE] + filled[-EDGE:]
