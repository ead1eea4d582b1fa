"""Markdown (.md): optional YAML front matter, split into Sections at headings.

ATX headings (``## Gebühren``) and setext headings (a line of ``===`` or ``---`` under a
text line, as in the Hamburg service pages) open a Section; its heading path is the chain of
enclosing headings. Text before the first heading is kept as a Section with an empty path.
A heading without body is kept as an empty Section: chunking merges it into what follows.
Lines inside fenced code blocks are never headings. Tables stay as their text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from indexer.loaders.frontmatter import meta_from_front_matter
from indexer.loaders.text import read_text
from indexer.model import DocumentMeta, Section

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-{2,})[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# A text line that can carry a setext underline: not a list item, quote, table row or heading.
_NOT_SETEXT_TEXT = re.compile(r"^\s*([-*+>|#]|\d+[.)]\s)")


@dataclass
class _Splitter:
    source: str
    meta: DocumentMeta
    sections: list[Section] = field(default_factory=list)
    stack: list[tuple[int, str]] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    first_h1: str = ""
    started: bool = False  # a heading was seen (text before it has an empty path)

    def heading(self, level: int, title: str) -> None:
        self.flush()
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, title))
        if level == 1 and not self.first_h1:
            self.first_h1 = title
        self.started = True

    def flush(self) -> None:
        text = "\n".join(self.body).strip()
        self.body = []
        if not self.started and not text:
            return
        path = tuple(t for _, t in self.stack)
        self.sections.append(Section(self.source, path, text, None, self.meta))


def _clean_heading(raw: str | None) -> str:
    text = (raw or "").strip()
    # [Title](/link) as heading text: keep the words, drop the target
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).strip()


def split_markdown(body: str, source: str, meta: DocumentMeta) -> tuple[list[Section], str]:
    """Sections of a Markdown body and its first H1 (empty when there is none)."""
    splitter = _Splitter(source, meta)
    fence: str | None = None
    for line in body.split("\n"):
        fence_match = _FENCE.match(line)
        if fence is not None:
            if fence_match and _closes(fence_match.group(1), fence):
                fence = None
            splitter.body.append(line)
            continue
        if fence_match:
            fence = fence_match.group(1)
            splitter.body.append(line)
            continue
        atx = _ATX.match(line)
        if atx and _clean_heading(atx.group(2)):
            splitter.heading(len(atx.group(1)), _clean_heading(atx.group(2)))
            continue
        if _SETEXT.match(line) and _is_setext_text(splitter.body):
            title = _clean_heading(splitter.body.pop())
            splitter.heading(1 if line.strip()[0] == "=" else 2, title)
            continue
        splitter.body.append(line)
    splitter.flush()
    return splitter.sections, splitter.first_h1


def _closes(marker: str, fence: str) -> bool:
    return marker[0] == fence[0] and len(marker) >= len(fence)


def _is_setext_text(body: list[str]) -> bool:
    if not body or not body[-1].strip():
        return False
    return not _NOT_SETEXT_TEXT.match(body[-1]) and bool(_clean_heading(body[-1]))


def load(path: Path, source: str) -> list[Section]:
    """Front matter -> DocumentMeta; body -> Sections; first H1 is the title without ``titel``."""
    text = read_text(path)
    meta, body, _ = meta_from_front_matter(text)
    sections, first_h1 = split_markdown(body, source, meta)
    if not meta.title and first_h1:
        meta = replace(meta, title=first_h1)
        sections = [replace(s, meta=meta) for s in sections]
    return sections
