"""Chunking: Sections -> Chunks that fit the embedding model's token window.

Text is cut at Section borders (headings, PDF pages), then at paragraphs; a paragraph larger
than the target is cut at sentences, then lines, then words, then characters. Pieces are
packed up to ``target_tokens``. The hard rule: ``count_tokens(chunk.embed_text) <= max_tokens``
for every chunk, title and heading path included, so the model never truncates a chunk
silently. Token counting is the cost: pieces are sized by summing per-word counts (each
distinct word counted once), and every packed chunk is counted once for real to verify it,
so the cost stays linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import groupby
from pathlib import PurePosixPath

from indexer.model import Chunk, DocumentMeta, Section

CountTokens = Callable[[str], int]

_PARAGRAPH = re.compile(r"\n[ \t]*\n+")
# Finer and finer borders for a paragraph that is too large. Each pattern captures the
# whitespace it cuts at, which joins the pieces again: sentences first (PDF pages are one
# "paragraph" whose line breaks are layout), then lines (tables, lists), then words.
_LEVELS: tuple[re.Pattern[str], ...] = (
    re.compile(r"((?<=[.!?;:])\s+)"),
    re.compile(r"(\s*\n\s*)"),
    re.compile(r"(\s+)"),
)


@dataclass(frozen=True)
class _Piece:
    text: str
    tokens: int  # without the model's fixed overhead (special tokens, prefix)
    joiner: str  # put before this piece when it follows another one in a chunk


@dataclass(frozen=True)
class _Frame:
    """What every chunk of one Section shares."""

    source: str
    title: str
    heading_path: tuple[str, ...]
    page: int | None
    meta: DocumentMeta


def chunk_sections(
    sections: Sequence[Section],
    count_tokens: CountTokens,
    max_tokens: int,
    target_tokens: int,
) -> list[Chunk]:
    """Split Sections into Chunks; ``ordinal`` counts per document (source)."""
    if max_tokens < 16:
        raise ValueError(f"max_tokens={max_tokens} is too small for any chunk")
    target = max(1, min(target_tokens, max_tokens))
    packer = _Packer(count_tokens, max_tokens, target)
    ordinals: dict[str, int] = {}
    chunks: list[Chunk] = []
    for frame, text in _merge_empty_headings(sections):
        frame = packer.fitted(frame)
        for chunk_text in packer.pack(frame, text):
            ordinal = ordinals.get(frame.source, 0)
            ordinals[frame.source] = ordinal + 1
            chunks.append(
                Chunk(
                    frame.source,
                    frame.title,
                    frame.heading_path,
                    chunk_text,
                    frame.page,
                    ordinal,
                    frame.meta,
                )
            )
    return chunks


def document_title(section: Section) -> str:
    """The title chunks carry: metadata title (or first H1, set by the loader), else the stem."""
    return section.meta.title.strip() or PurePosixPath(section.source).stem


def _frame(section: Section) -> _Frame:
    title = document_title(section)
    path = tuple(h.strip() for h in section.heading_path if h.strip())
    if path and path[0].casefold() == title.casefold():
        path = path[1:]  # the H1 that became the title is not repeated in every chunk
    return _Frame(section.source, title, path, section.page, section.meta)


def _merge_empty_headings(sections: Sequence[Section]) -> Iterator[tuple[_Frame, str]]:
    """Yield (frame, text); a heading without body hands its words to the next Section.

    An empty heading that is an ancestor of the next Section's path is already in that
    path; a sibling's words (``## Anmeldung`` directly followed by ``## Abmeldung``) are put
    in front of the next text so nothing is lost, and trailing ones become a last chunk.
    """
    for _, group in groupby(sections, key=lambda s: s.source):
        document = list(group)
        pending: list[str] = []
        for section, following in zip(document, [*document[1:], None], strict=True):
            text = section.text.strip()
            if text:
                yield _frame(section), "\n".join([*pending, text])
                pending = []
            elif section.heading_path and not (
                following is not None and _is_prefix(section.heading_path, following.heading_path)
            ):
                pending.append(section.heading_path[-1].strip())
        if pending:
            yield _frame(document[-1]), "\n".join(pending)


def _is_prefix(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    return len(short) <= len(long) and long[: len(short)] == short


class _Packer:
    """Packs one Section's text. Pieces are sized by a per-word estimate (each distinct word
    counted once); every chunk is then counted for real, which is the guarantee."""

    def __init__(self, count_tokens: CountTokens, max_tokens: int, target: int) -> None:
        self.count = count_tokens
        self.max_tokens = max_tokens
        self.target = target
        self.overhead = _fixed_overhead(count_tokens)
        self.word_tokens: dict[str, int] = {}
        self.context_tokens: dict[tuple[str, tuple[str, ...]], int] = {}

    def pack(self, frame: _Frame, text: str) -> list[str]:
        """Chunk texts of one Section; ``frame`` must come from ``fitted``."""
        context = self.overhead + self._context_cost(frame)
        # A long title/heading path must not starve the text: it may then push a chunk past
        # the target (never past the window, which ``fitted`` keeps at least half free).
        budget = max(self.target - context, min(self.max_tokens - context, self.target // 2), 1)
        pieces = [
            piece
            for paragraph in _PARAGRAPH.split(text)
            if paragraph.strip()
            for piece in self._fit(paragraph.strip(), "\n\n", 0, budget)
        ]
        out: list[str] = []
        current: list[_Piece] = []
        used = 0
        for piece in pieces:
            if current and used + piece.tokens > budget:
                out.extend(self._verified(frame, current))
                current, used = [], 0
            current.append(piece)
            used += piece.tokens
        if current:
            out.extend(self._verified(frame, current))
        return out

    def fitted(self, frame: _Frame) -> _Frame:
        """Shorten a title/heading path that would eat more than half of the window."""
        limit = self.max_tokens // 2
        while self._context_cost(frame) > limit:
            if len(frame.heading_path) > 1:
                frame = replace(frame, heading_path=frame.heading_path[-1:])
                continue
            longest = max([len(frame.title), *(len(h) for h in frame.heading_path)])
            keep = longest // 2
            frame = replace(
                frame,
                title=frame.title[:keep].rstrip(),
                heading_path=tuple(h[:keep].rstrip() for h in frame.heading_path),
            )
        return frame

    def _context_cost(self, frame: _Frame) -> int:
        key = (frame.title, frame.heading_path)
        if key not in self.context_tokens:
            probe = Chunk(frame.source, frame.title, frame.heading_path, "", None, 0).embed_text
            self.context_tokens[key] = self.count(probe) - self.overhead
        return self.context_tokens[key]

    def _estimate(self, text: str) -> int:
        """Tokens of ``text`` as the sum of its words' tokens (exact for tokenizers that
        split at whitespace first, as e5's and BERT's do)."""
        total = 0
        for word in text.split():
            tokens = self.word_tokens.get(word)
            if tokens is None:
                tokens = max(1, self.count(word) - self.overhead)
                self.word_tokens[word] = tokens
            total += tokens
        return total

    def _fit(
        self, text: str, joiner: str, level: int, budget: int, tokens: int | None = None
    ) -> list[_Piece]:
        """Cut ``text`` at ever finer borders until every piece fits ``budget``."""
        if tokens is None:
            tokens = self._estimate(text)
        if tokens <= budget:
            return [_Piece(text, tokens, joiner)]
        if level >= len(_LEVELS):
            return self._cut_characters(text, joiner, budget)
        parts = _LEVELS[level].split(text)
        if len(parts) <= 1:  # no border of this kind: try the next one, no recount
            return self._fit(text, joiner, level + 1, budget, tokens)
        pieces: list[_Piece] = []
        separator = joiner
        for index, part in enumerate(parts):
            if index % 2:  # a captured separator: it joins the next part
                separator = part
            elif part:
                pieces.extend(self._fit(part, separator, level + 1, budget))
        return pieces

    def _cut_characters(self, text: str, joiner: str, budget: int) -> list[_Piece]:
        """A "word" longer than the budget (a URL, a hash, glued text): cut by characters."""
        pieces: list[_Piece] = []
        tokens = max(1, self.count(text) - self.overhead)
        size = max(1, int(len(text) * budget / tokens * 0.9))
        start = 0
        while start < len(text):
            part = text[start : start + size]
            part_tokens = self.count(part) - self.overhead
            while part_tokens > budget and len(part) > 1:
                part = part[: len(part) // 2]
                part_tokens = self.count(part) - self.overhead
            pieces.append(_Piece(part, part_tokens, joiner if start == 0 else ""))
            start += len(part)
        return pieces

    def _verified(self, frame: _Frame, pieces: list[_Piece]) -> list[str]:
        """Join pieces; if the real count exceeds the window, halve until it fits."""
        text = _join(pieces)
        embed = Chunk(frame.source, frame.title, frame.heading_path, text, None, 0).embed_text
        if self.count(embed) <= self.max_tokens:
            return [text]
        if len(pieces) > 1:
            middle = len(pieces) // 2
            return self._verified(frame, pieces[:middle]) + self._verified(frame, pieces[middle:])
        piece = pieces[0]
        if len(piece.text) <= 1:
            raise ValueError(f"title and heading path of {frame.source} leave no room for text")
        # the estimate was too low for this piece: cut it by characters with real counts
        finer = self._cut_characters(piece.text, piece.joiner, max(1, piece.tokens // 2))
        return [text for part in finer for text in self._verified(frame, [part])]


def _fixed_overhead(count_tokens: CountTokens) -> int:
    """Tokens the counter adds to any text (special tokens, e5's "passage: " prefix).

    ``count("")`` can overstate it (e5 counts a lone word marker), which would make every
    piece look one token cheaper than it is; two words against one measure it exactly for
    an additive tokenizer, and the final check of each chunk covers the rest.
    """
    one, two = count_tokens("x"), count_tokens("x x")
    return max(0, min(count_tokens(""), 2 * one - two))


def _join(pieces: list[_Piece]) -> str:
    return "".join((p.joiner if i else "") + p.text for i, p in enumerate(pieces))
