"""Hard-wrapped lines back into the paragraphs people wrote; shared by the PDF and text loaders.

PDF text layers, e-mails saved as text and "Enter at every line end" documents break a
paragraph into lines. A line joins the one before it when that line does not end a sentence
and the new line continues it (starts in lower case, or the line before runs to the right
margin, i.e. is about as long as the block's long lines). List items, table rows and
headings always start a line of their own. Words hyphenated at a line end are joined
("Ehegat-" + "ten"); a compound hyphen before a capital stays ("Kfz-" + "Steuer").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Numbered ("1.", "2)", "(3)", "a)"), lettered and bulleted items; "1.1 Text" is a heading
# pattern, not an item (see the PDF heading rules), but ends a paragraph all the same.
_LIST_ITEM = re.compile(
    r"^\s*(?:\d{1,2}[.)]|\(\d{1,2}\)|[a-z][.)]|\([a-z]\)|[a-z]{2}\)|[-*•–▪◦·●■□➢→✓])\s+\S"
)
_NUMBERED_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|\(\d{1,2}\))\s+\S")
_TABLE_ROW = re.compile(r"\t|\s\|\s|\S {3,}\S")
_SENTENCE_END = re.compile(r"[.!?:;]['\"“”»)]?$")
# A period after these is not a sentence end ("bzw.", "z. B.", "am 15." before "Januar").
_NOT_AN_END = re.compile(
    r"(?:\b(?:z|u|d|s|v|o|i|ca|bzw|ggf|evtl|vgl|Nr|Abs|Art|Str|Tel|inkl|zzgl|usw|etc|Dr|"
    r"Hr|Fr|bspw|gem|lt|max|min|mind|sog|Ziff|Bd)\.|\b\d{1,2}\.)$",
    re.IGNORECASE,
)
_SPACED_HYPHEN = re.compile(r"[a-zäöüß] -$")
_KEEP_HYPHEN_BEFORE = ("und ", "oder ", "bzw", "sowie ")
WIDE_SHARE = 0.75  # a line at least this share of the block's long lines runs to the margin
MIN_WIDE = 25


def is_list_item(line: str) -> bool:
    return bool(_LIST_ITEM.match(line))


def is_numbered_item(line: str) -> bool:
    return bool(_NUMBERED_ITEM.match(line))


def is_table_row(line: str) -> bool:
    return bool(_TABLE_ROW.search(line.strip()))


def ends_sentence(line: str) -> bool:
    stripped = line.rstrip()
    return bool(_SENTENCE_END.search(stripped)) and not _NOT_AN_END.search(stripped)


def stands_alone(line: str) -> bool:
    """A line that must keep its own line: a list item or a table row."""
    return is_list_item(line) or is_table_row(line)


def wide_length(lines: Sequence[str]) -> int:
    """The length from which a line counts as running to the right margin."""
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if not lengths:
        return MIN_WIDE
    long_line = lengths[min(len(lengths) - 1, int(len(lengths) * 0.9))]
    return max(MIN_WIDE, int(long_line * WIDE_SHARE))


def continues(previous: str, line: str, wide: int, same_paragraph: bool | None = None) -> bool:
    """Whether ``line`` continues the paragraph whose last physical line is ``previous``.

    ``same_paragraph`` is the layout's word where a loader knows it (PDF line spacing): then
    every line continues that does not stand alone, unless a short line ended a sentence
    before it. Without it (``None``), the text alone decides: a line starting in lower case,
    or any line after a full one that does not end a sentence."""
    last, first = previous.strip(), line.strip()
    if not last or not first or stands_alone(first) or is_table_row(last):
        return False
    if same_paragraph:
        return not ends_sentence(last) or len(last) >= wide
    if first[0].islower() and not ends_sentence(last):
        return True
    return len(last) >= wide and not ends_sentence(last)


def join(previous: str, line: str) -> str:
    """``previous`` and ``line`` as one paragraph, undoing a hyphenation at the line end."""
    last, first = previous.rstrip(), line.strip()
    spaced = _SPACED_HYPHEN.search(last)  # "ausländi -" (a justified line's hyphen)
    if spaced and first[:1].islower() and not first.startswith(_KEEP_HYPHEN_BEFORE):
        return last[: spaced.start() + 1] + first
    if last.endswith("-") and len(last) > 1 and last[-2].isalpha():
        if first[:1].islower() and not first.startswith(_KEEP_HYPHEN_BEFORE):
            return last[:-1] + first  # "Ehegat-" "ten"
        if first[:1].isupper():
            return last + first  # "Kfz-" "Steuer"
    return f"{last} {first}"


def join_wrapped(text: str) -> str:
    """Plain text with its hard-wrapped lines joined; blank lines (paragraph breaks) stay."""
    blocks = re.split(r"\n[ \t]*\n", text)
    return "\n\n".join(_join_block(block.split("\n")) for block in blocks if block.strip())


def _join_block(lines: list[str]) -> str:
    wide = wide_length(lines)
    joined: list[str] = []
    previous = ""
    for line in lines:
        if not line.strip():
            continue
        if joined and continues(previous, line, wide):
            joined[-1] = join(joined[-1], line)
        else:
            joined.append(line.rstrip())
        previous = line
    return "\n".join(joined)
