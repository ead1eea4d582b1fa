"""Which lines of a PDF are headings, and at which level.

A PDF has no heading markup; people mark headings by look and by numbering. Three signals,
strongest first:
- font: a short line set larger than the body text (>= 1 pt and 12 % larger), or bold where
  the body is not, standing alone (the next line does not continue it in lower case);
- numbering: "2.3 Unterlagen", "§ 4 Gebühren", "Teil 2", "Anlage 1" (a plain "1. ..." is a
  list item unless its font says heading);
- shape, only in a document where the font tells nothing: a short line without final
  punctuation between a finished paragraph and the body text it introduces.
A heading's level comes from its look (larger first, bold before regular at one size) and
then from its numbering depth ("2" above "2.3").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from indexer.loaders.paragraphs import ends_sentence, is_list_item, is_table_row, wide_length
from indexer.loaders.pdf_lines import Line

Level = tuple[int, int]  # (rank of the look, numbering depth): smaller is higher
Page = tuple[int, Sequence[Line]]

_NUMBERED = re.compile(
    r"^(?:(?P<dotted>\d{1,2}(?:\.\d{1,2}){1,3})\.?|§+\s*\d+[a-z]?|"
    r"(?:Teil|Abschnitt|Kapitel|Anlage|Artikel|Anhang)\s+(?:\d+|[IVX]+)[.:]?)\s+\S"
)
_SINGLE = re.compile(r"^\d{1,2}\.?\s+\S")
_TABLE_OF_CONTENTS = re.compile(r"(?:\.{3,}|…|\s{2,})\s*\d+$")
MAX_WORDS = 14
MAX_CHARS = 120
SHORT_WORDS = 8  # a heading found by shape alone is this short at most
SHORT_CHARS = 60
LARGER_BY = 1.0  # points, and
LARGER_SHARE = 1.12  # times the body size


@dataclass(frozen=True)
class BodyStyle:
    size: float
    bold: bool


def body_style(pages: Sequence[Page]) -> BodyStyle:
    """The size and weight of most letters of the document."""
    sizes: Counter[float] = Counter()
    bold: Counter[bool] = Counter()
    for _, lines in pages:
        for line in lines:
            letters = len(line.text.strip())
            sizes[line.size] += letters
            bold[line.bold] += letters
    size = sizes.most_common(1)[0][0] if sizes else 0.0
    return BodyStyle(size, bold[True] > bold[False])


def heading_shape(text: str) -> bool:
    """Short, starting with a capital or a number, without a sentence's final punctuation."""
    text = text.strip()
    if not 2 <= len(text) <= MAX_CHARS or len(text.split()) > MAX_WORDS:
        return False
    if text[-1] in ".,;" or not any(c.isalpha() for c in text) or text[0].islower():
        return False
    if is_table_row(text) or _TABLE_OF_CONTENTS.search(text):
        return False
    return not is_list_item(text) or bool(_SINGLE.match(text))


def numbering_depth(text: str) -> int:
    match = _NUMBERED.match(text.strip())
    if match is None:
        return 1 if _SINGLE.match(text.strip()) else 0
    dotted = match.group("dotted")
    return dotted.count(".") + 1 if dotted else 1


def _looks_like_heading(line: Line, body: BodyStyle) -> bool:
    larger = line.size >= body.size + LARGER_BY and line.size >= body.size * LARGER_SHARE
    bolder = line.bold and not body.bold and line.size >= body.size - 0.6
    return (larger or bolder) and heading_shape(line.text)


def _heading_goes_on(
    lines: Sequence[Line], index: int, found: dict[tuple[int, int], tuple[float, bool]], page: int
) -> bool:
    """A heading's second line in the same type, starting in lower case ("... und" |
    "gemeindliches Einvernehmen")."""
    line = lines[index]
    look = found.get((page, index - 1))
    text = line.text.strip()
    return bool(text) and look == (line.size, line.bold) and text[0].islower() and (
        len(text) <= MAX_CHARS and text[-1] not in ".,;"
    )


def _contents_entry(following: Line | None) -> bool:
    """A line whose next line ends in dot leaders and a page number is a contents entry."""
    return following is not None and bool(_TABLE_OF_CONTENTS.search(following.text.strip()))


def _continued_below(line: Line, following: Line | None) -> bool:
    """The next line carries on the same sentence in body type: the line is a run-in start."""
    if following is None or not following.text.strip():
        return False
    same_look = following.size == line.size and following.bold == line.bold
    return following.text.strip()[0].islower() and not same_look


def find_headings(pages: Sequence[Page]) -> dict[tuple[int, int], Level]:
    """(page number, line index) -> level of every heading line."""
    body = body_style(pages)
    by_look: dict[tuple[int, int], tuple[float, bool]] = {}
    by_number: set[tuple[int, int]] = set()
    for number, lines in pages:
        wide = wide_length([line.text for line in lines])
        for index, line in enumerate(lines):
            following = lines[index + 1] if index + 1 < len(lines) else None
            if _continued_below(line, following) or _contents_entry(following):
                continue
            if _looks_like_heading(line, body) or _heading_goes_on(lines, index, by_look, number):
                by_look[(number, index)] = (line.size, line.bold)
            elif _numbered_heading(line, following) and not (
                index and _runs_on(lines[index - 1].text, wide)
            ):
                by_number.add((number, index))
    if not by_look and not by_number:
        by_number = _headings_by_shape(pages)
    looks = sorted({*by_look.values(), (body.size, body.bold)}, key=lambda k: (-k[0], not k[1]))
    rank = {look: position for position, look in enumerate(looks)}
    text = {(number, i): line.text for number, lines in pages for i, line in enumerate(lines)}
    levels: dict[tuple[int, int], Level] = {}
    for key, look in by_look.items():
        levels[key] = (rank[look], max(1, numbering_depth(text[key])))
    for key in by_number:
        levels[key] = (rank[(body.size, body.bold)], max(1, numbering_depth(text[key])))
    return levels


def _runs_on(text: str, wide: int) -> bool:
    """A full line without a sentence end: the next line is the rest of its sentence."""
    return len(text.strip()) >= wide and not ends_sentence(text)


def _numbered_heading(line: Line, following: Line | None) -> bool:
    """ "2.3 Unterlagen" in body type, unless the next line is numbered alike (a table's rows,
    a table of contents)."""
    if not (_NUMBERED.match(line.text.strip()) and heading_shape(line.text)):
        return False
    if following is None or not following.text.strip():
        return True
    return numbering_depth(following.text) != numbering_depth(line.text)


def _headings_by_shape(pages: Sequence[Page]) -> set[tuple[int, int]]:
    """Short lines standing alone, for documents whose font says nothing."""
    found: set[tuple[int, int]] = set()
    for number, lines in pages:
        wide = wide_length([line.text for line in lines])
        texts = [line.text.strip() for line in lines]
        for index, text in enumerate(texts):
            before = texts[index - 1] if index else ""
            after = texts[index + 1] if index + 1 < len(texts) else ""
            short = len(text) <= SHORT_CHARS and len(text.split()) <= SHORT_WORDS
            if not (short and heading_shape(text) and not text.endswith(":") and after):
                continue
            opens = not before or ends_sentence(before) or (number, index - 1) in found
            introduces = not after[0].islower() and (len(after) >= wide or is_list_item(after))
            if opens and introduces and not _SINGLE.match(text):
                found.add((number, index))
    return found
