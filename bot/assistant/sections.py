"""Which section of the best document to quote, and its steps: extractive only.

A section is all chunks of one document that share a heading path (the chunker may cut a long
procedure into several chunks; the answer quotes it whole). A headed PDF section that runs
over a page break is quoted whole and cited at the page it starts on; PDF text without a
heading below the title stays one section per page, so that a title page never hides the
page with the procedure.
Steps are the section's numbered or bulleted list items (continuation lines and nested bullets
kept with their item); a section without a list is quoted as its first paragraphs, not as
steps.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from indexer.lexical import analyze, question_stems
from indexer.model import Chunk, Hit

DocumentChunks = Callable[[str], Sequence[Chunk]]

MAX_STEPS = 10
MAX_STEP_CHARS = 900
MAX_PARAGRAPHS = 3
# How much a list in a section counts for a how-question, beside the rank term 1 / (1 + rank)
# and 1 per question term in the heading (set by reasoning, not fitted on any question set).
NUMBERED_LIST_WEIGHT = 1.5
BULLET_LIST_WEIGHT = 0.5
SUBITEM = "\n- "  # joins a step and its own bullet points

_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>\d{1,2}[.)]|[-*•–])\s+(?P<text>\S.*)$")
_NUMBERED = re.compile(r"^\d")
_MARKER_ONLY = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•–])$")
_HOW_QUESTION = re.compile(
    r"\b(wie|was\s+muss|was\s+braucht|was\s+ist\s+zu\s+tun|wo\s+kann|welche\s+schritte|ablauf|"
    r"vorgehen|verfahren)\b",
    re.IGNORECASE,
)
# A question for a person: "wer macht ...", "..., wer kümmert sich?", "an wen wende ich mich",
# "bei wem melde ich ...", "Ansprechpartnerin?". "wer" asks only at the start of a clause (or
# after "und", "sagen", ...): in "Hat wer meinen Schlüssel gesehen?" it means "jemand".
_WHO_QUESTION = re.compile(
    r"(?:^\W*|[.?!,;:–—(-]\s*|\b(?:und|oder|aber|jemand|sagen|sag|sagt|fragen|frage)\s+)"
    r"(?:wer|wen|wem|wessen)\b"
    r"|\b(?:an|bei|mit|für|zu|von|über|gegen)\s+(?:wen|wem)\b"
    r"|\bansprechp(?:artner|erson)\w*",
    re.IGNORECASE,
)
_PROCEDURE_HEADING = re.compile(
    r"\b(ablauf|vorgehen|verfahren|schritt|so\s+geht|arbeitsschritte|anleitung)", re.IGNORECASE
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def is_how_question(question: str) -> bool:
    return bool(_HOW_QUESTION.search(question))


def is_who_question(question: str) -> bool:
    return bool(_WHO_QUESTION.search(question))


def question_terms(question: str) -> set[str]:
    """The question's content stems (the shared analyser: separable verbs re-joined,
    "melde ... ab" -> "abmeld"), to recognise the section a question is about."""
    return {term for term in question_stems(question) if len(term) >= 3}


def document_sections(hits: Sequence[Hit], document_chunks: DocumentChunks | None) -> list[Chunk]:
    """The sections of the best hit's document (merged chunks), best-ranked section first."""
    best = hits[0].source
    ranked = [c for h in hits if h.source == best for c in (h.chunk, *h.more_in_document)]
    chunks = list(document_chunks(best)) if document_chunks is not None else []
    if not chunks:
        chunks = sorted(set(ranked), key=lambda c: c.ordinal)
    sections: list[Chunk] = []
    index_of: dict[ChunkKey, int] = {}
    by_page: dict[tuple[tuple[str, ...], int | None], int] = {}
    previous: Chunk | None = None
    for chunk in sorted(chunks, key=lambda c: c.ordinal):
        index = by_page.get((chunk.heading_path, chunk.page))
        if index is None and previous is not None and _continues_over_page(previous, chunk):
            index = index_of[_chunk_key(previous)]
        if index is None:
            index = len(sections)
            sections.append(chunk)
        else:
            known = sections[index]
            sections[index] = replace(known, text=_joined(known.text, chunk.text))
        index_of[_chunk_key(chunk)] = index
        by_page[(chunk.heading_path, chunk.page)] = index
        previous = chunk
    rank = {}
    for position, chunk in reversed(list(enumerate(ranked))):
        if _chunk_key(chunk) in index_of:
            rank[index_of[_chunk_key(chunk)]] = position
    order = sorted(range(len(sections)), key=lambda i: rank.get(i, len(ranked)))
    return [sections[i] for i in order]


ChunkKey = tuple[int, tuple[str, ...], int | None]


def _chunk_key(chunk: Chunk) -> ChunkKey:
    return chunk.ordinal, chunk.heading_path, chunk.page


def _continues_over_page(previous: Chunk, chunk: Chunk) -> bool:
    """A headed section that runs over a page break is quoted whole, cited at the page it
    starts on. Text without a heading below the title stays per page: a title page never
    hides the page with the procedure."""
    return any(chunk.heading_path) and chunk.heading_path == previous.heading_path


def _joined(first: str, second: str) -> str:
    """Two consecutive chunks of a section as one text. The chunker may cut after a list
    marker ("5." | "Bargeld ..."): then the pieces belong on one line; a list or a sentence
    that goes on continues on the next line; anything else is a new paragraph."""
    last_line = first.rstrip().rsplit("\n", 1)[-1]
    if _MARKER_ONLY.match(last_line):
        return first.rstrip() + " " + second.lstrip()
    head = second.lstrip()
    if _ITEM.match(head.split("\n", 1)[0]) or head[:1].islower():
        return first + "\n" + second
    return first.rstrip() + "\n\n" + head


def best_section(
    question: str, hits: Sequence[Hit], document_chunks: DocumentChunks | None = None
) -> Chunk:
    """The section to quote: for a how-question prefer a procedure (a list, "Ablauf") of the
    best document whose heading names what is asked; else the best hit's section."""
    sections = document_sections(hits, document_chunks)
    quotable = [section for section in sections if quote_steps(section.text)]
    sections = quotable or sections  # a table-only section has nothing to quote
    if not is_how_question(question):
        return sections[0]
    terms = question_terms(question)
    shared = _shared_prefix([section.heading_path for section in sections])

    def score(item: tuple[int, Chunk]) -> float:
        position, section = item
        heading = " ".join(section.heading_path[shared:]).lower()
        stems = " ".join(analyze(heading))  # "abmeld" is in "Abmeldung eines Hundes"
        value = 1.0 / (1 + position) + _list_weight(section.text)
        if _PROCEDURE_HEADING.search(heading):
            value += 1.0  # a how-question wants the procedure
        return value + sum(1.0 for term in terms if term in stems)

    return max(enumerate(sections), key=score)[1]


def _shared_prefix(paths: Sequence[tuple[str, ...]]) -> int:
    """How many leading headings all sections share (a PDF's title heading): they tell the
    sections apart no more than the title does."""
    if len(paths) < 2:
        return 0
    shared = 0
    while all(len(path) > shared for path in paths) and len({p[shared] for p in paths}) == 1:
        shared += 1
    return shared


def list_items(text: str) -> list[str]:
    """Top-level list items (the numbered ones when there are any), each with its
    continuation lines joined and its bullets kept as "- ..." lines. Loaders strip
    indentation, so an item runs until a blank line or the next item."""
    lines = text.splitlines()
    numbered = any((m := _ITEM.match(line)) and _NUMBERED.match(m["marker"]) for line in lines)
    items: list[list[str]] = []
    current: list[str] | None = None
    for line in lines:
        match = _ITEM.match(line)
        if match is not None and (not numbered or _NUMBERED.match(match["marker"])):
            if match["indent"] and current is not None and not numbered:
                current.append(SUBITEM + match["text"].strip())
                continue
            current = [match["text"].strip()]
            items.append(current)
        elif not line.strip():
            current = None
        elif current is not None and match is not None:
            current.append(SUBITEM + match["text"].strip())
        elif current is not None:
            current.append(" " + line.strip())
    return ["".join(parts) for parts in items]


def _list_weight(text: str) -> float:
    """A numbered list is what a how-question wants; bullets (documents, laws) less so. A
    numbered list outweighs bullets at any rank (the rank term is at most 1)."""
    items = list_items(text)
    if not items:
        return 0.0
    numbered = any((m := _ITEM.match(line)) and _NUMBERED.match(m["marker"])
                   for line in text.splitlines())  # fmt: skip
    return NUMBERED_LIST_WEIGHT if numbered else BULLET_LIST_WEIGHT


def is_list(text: str) -> bool:
    """Whether the section quotes as steps (a real list) or as paragraphs."""
    return bool(list_items(text))


def quote_steps(text: str) -> tuple[str, ...]:
    """The steps of a section, quoted verbatim (long ones shortened with "…"); a section
    without a list gives its first paragraphs (wrapped lines joined), headings left out."""
    items = list_items(text) or paragraphs(text)[:MAX_PARAGRAPHS]
    return tuple(_shorten(item) for item in items[:MAX_STEPS])


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs (blank-line separated), each on one line; headings and table
    rows left out."""
    found = []
    for block in _PARAGRAPH_BREAK.split(text):
        lines = [
            line.strip()
            for line in block.splitlines()
            if line.strip() and not line.lstrip().startswith(("#", "|"))
        ]
        if lines:
            found.append(" ".join(lines))
    return found


def _shorten(line: str) -> str:
    return line if len(line) <= MAX_STEP_CHARS else line[: MAX_STEP_CHARS - 1].rstrip() + "…"
