"""The data that flows through the indexer: documents' metadata, sections, chunks, hits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class DocumentMeta:
    """What a document says about itself (Markdown front matter, DOCX/ODT/PDF properties).

    ``responsible`` and ``deputies`` hold person ids from ``personen.csv`` where the document
    names them; ``tasks`` hold task ids from ``zustaendigkeiten.csv``. ``groups`` are access
    groups: empty means every member of staff may read the document.
    """

    title: str = ""
    tasks: tuple[str, ...] = ()
    responsible: str | None = None
    deputies: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    department: str | None = None
    doc_type: str | None = None
    last_reviewed: date | None = None


@dataclass(frozen=True)
class Section:
    """A piece of a document as a loader found it: one heading's text, or one PDF page."""

    source: str  # path relative to the knowledge base, POSIX separators
    heading_path: tuple[str, ...]
    text: str
    page: int | None = None  # 1-based, PDF only
    meta: DocumentMeta = field(default_factory=DocumentMeta)


@dataclass(frozen=True)
class Chunk:
    """The unit that is embedded and retrieved: bounded by the model's token window."""

    source: str
    title: str
    heading_path: tuple[str, ...]
    text: str
    page: int | None
    ordinal: int  # position of the chunk within its document
    meta: DocumentMeta = field(default_factory=DocumentMeta)

    @property
    def embed_text(self) -> str:
        """Title and heading path travel with the text, so a chunk is understood on its own."""
        context = " > ".join(p for p in (self.title, *self.heading_path) if p)
        return f"{context}\n{self.text}" if context else self.text

    @property
    def text_hash(self) -> str:
        """Content hash of what is embedded: the key of the embedding cache."""
        return hashlib.sha256(self.embed_text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Hit:
    """One search result: a chunk with its scores. ``score`` orders results."""

    chunk: Chunk
    score: float
    rank: int
    dense_score: float | None = None  # cosine similarity, where the dense side saw the chunk
    lexical_score: float | None = None  # BM25 score, where the lexical side saw the chunk
    more_in_document: tuple[Chunk, ...] = ()  # further matching chunks of the same document

    @property
    def source(self) -> str:
        return self.chunk.source
