"""Which document each index row belongs to, and which rows a user may see.

Built once per index version (when the searcher opens it), so a query only turns its user's
groups and folder into a row mask: one boolean per chunk, cached per (groups, folder).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from indexer.model import Chunk, DocumentMeta


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
        metas = {**{c.source: c.meta for c in chunks}, **version.document_meta()}
    sources = tuple(dict.fromkeys(per_row))
    position = {s: i for i, s in enumerate(sources)}
    document = np.fromiter((position[s] for s in per_row), dtype=np.int32, count=len(per_row))
    meta = [metas.get(s, DocumentMeta()) for s in sources]
    return RowTable(
        document=document,
        sources=sources,
        groups=tuple(frozenset(m.groups) for m in meta),
        departments=tuple((m.department or "").casefold() for m in meta),
    )


def folder_matches(source: str, department: str, folder: str) -> bool:
    """A document is in ``folder`` when its path lies below it or its department has its name."""
    wanted = folder.strip().strip("/")
    if not wanted:
        return True
    return source.startswith(wanted + "/") or department == wanted.casefold()


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
