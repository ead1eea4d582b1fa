"""Which document each index row belongs to, and which rows a user may see.

Built once per index version (when the searcher opens it), so a query only turns its user's
groups and folder into a row mask: one boolean per chunk, cached per (groups, folder).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from indexer.model import Chunk, DocumentMeta
from indexer.store import ContentInfo

log = logging.getLogger(__name__)
# A group no person can be in (personen.csv groups are plain words, never contain NUL).
NOBODY = frozenset({"\0metadata missing"})


class _RowSource(Protocol):
    @property
    def chunk_count(self) -> int: ...

    def chunks(self, ids: list[int]) -> list[Chunk]: ...

    def document_meta(self) -> dict[str, DocumentMeta]: ...


@dataclass(frozen=True)
class RowTable:
    document: np.ndarray  # int32 per row: position in ``sources``
    sources: tuple[str, ...]
    groups: tuple[frozenset[str], ...]  # per document; empty = all staff
    departments: tuple[str, ...]  # per document, case-folded; "" when unknown
    group: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))  # per document
    overview: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))  # per doc

    def __post_init__(self) -> None:
        count = len(self.sources)  # a table without content data: every document alone
        if self.group.size != count:
            object.__setattr__(self, "group", np.arange(count, dtype=np.int32))
        if self.overview.size != count:
            object.__setattr__(self, "overview", np.zeros(count, dtype=np.float32))

    @property
    def size(self) -> int:
        return int(self.document.size)


def load_rows(version: _RowSource) -> RowTable:
    """Row -> document table of an index version (reads every chunk's source once)."""
    count = int(version.chunk_count)
    row_sources = getattr(version, "row_sources", None)
    if callable(row_sources):
        per_row = list(row_sources())
        metas = version.document_meta()
    else:
        chunks = version.chunks(list(range(count))) if count else []
        per_row = [c.source for c in chunks]
        # not the chunks' meta: a chunk whose files row is gone carries an empty (open) one
        metas = version.document_meta()
    sources = tuple(dict.fromkeys(per_row))
    position = {s: i for i, s in enumerate(sources)}
    document = np.fromiter((position[s] for s in per_row), dtype=np.int32, count=len(per_row))
    missing = [s for s in sources if s not in metas]
    if missing:
        log.warning("%d document(s) of the index have no metadata row: hidden from every "
                    "user until the next build", len(missing))
    content_of = getattr(version, "content", None)
    content: dict[str, ContentInfo] = content_of() if callable(content_of) else {}
    group_names = [content[s].group if s in content else s for s in sources]
    numbers = {name: i for i, name in enumerate(dict.fromkeys(group_names))}
    return RowTable(
        document=document,
        sources=sources,
        groups=tuple(_groups_of(metas.get(s)) for s in sources),
        departments=tuple(((metas.get(s) or DocumentMeta()).department or "").casefold()
                          for s in sources),
        group=np.fromiter((numbers[n] for n in group_names), np.int32, count=len(sources)),
        overview=np.fromiter((content[s].overview if s in content else 0.0 for s in sources),
                             np.float32, count=len(sources)),
    )


def _groups_of(meta: DocumentMeta | None) -> frozenset[str]:
    """A document's groups; without its metadata row nobody knows whom it is for, so it is
    nobody's (fail closed): only trusted callers (``groups=None``) still see it."""
    return NOBODY if meta is None else frozenset(meta.groups)


def folder_matches(source: str, department: str, folder: str) -> bool:
    """A document is in ``folder`` when its path lies below it or its department has its name."""
    wanted = folder.strip().strip("/")
    if not wanted:
        return True
    return source.startswith(wanted + "/") or department == wanted.casefold()


def allowed_documents(rows: RowTable, allowed: np.ndarray | None) -> np.ndarray:
    """Per document: may the caller see it (from a row mask; None = everything)."""
    if allowed is None:
        return np.ones(len(rows.sources), dtype=bool)
    seen = np.zeros(len(rows.sources), dtype=bool)
    seen[rows.document[allowed]] = True
    return seen


def allowed_rows(
    rows: RowTable, groups: Collection[str] | None, folder: str | None
) -> np.ndarray | None:
    """Boolean mask of the rows a caller may see, or None when nothing is filtered."""
    if groups is None and not folder:
        return None
    user = frozenset(groups or ())
    permitted = np.fromiter(
        (
            (groups is None or not doc_groups or bool(doc_groups & user))
            and (not folder or folder_matches(source, department, folder))
            for source, doc_groups, department in zip(
                rows.sources, rows.groups, rows.departments, strict=True
            )
        ),
        dtype=bool,
        count=len(rows.sources),
    )
    return permitted[rows.document] if rows.size else np.zeros(0, dtype=bool)
