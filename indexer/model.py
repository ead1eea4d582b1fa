"""The data that flows through the indexer: documents' metadata, sections, chunks, hits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date


def text_key(text: str) -> str:
    """SHA-256 of a text as it is embedded: the embedding cache's key (with the model)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
    # keys of the front matter / sidecar that mean nothing to us: reported by the build (a
    # misspelt key used to be silently ignored), never used
    unknown_keys: tuple[str, ...] = ()


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
        """Content hash of ``embed_text``: identifies the chunk's full text (title included).

        The chunk's vector is stored under it in a version; what the embedding cache keys by
        is the hash of each string actually embedded (``text_key``), see ``body_text``.
        """
        return text_key(self.embed_text)

    @property
    def body_text(self) -> str:
        """The chunk without its document title: heading path below the title, then the text.

        Pages that repeat a procedure under different titles share it, so it is embedded
        once; the title (``context_text``) is embedded apart and the two vectors combined.
        """
        context = " > ".join(p for p in self.heading_path if p)
        return f"{context}\n{self.text}" if context else self.text

    @property
    def context_text(self) -> str:
        """The document context embedded apart from the body: the title (may be empty)."""
        return self.title.strip()


@dataclass(frozen=True)
class Hit:
    """One search result: a chunk with its scores. ``score`` orders results."""

    chunk: Chunk
    score: float
    rank: int
    dense_score: float | None = None  # cosine similarity, where the dense side saw the chunk
    lexical_score: float | None = None  # BM25 score, where the lexical side saw the chunk
    more_in_document: tuple[Chunk, ...] = ()  # further matching chunks of the same document
    also_in: tuple[str, ...] = ()  # sources of the other documents of its content group

    @property
    def source(self) -> str:
        return self.chunk.source
