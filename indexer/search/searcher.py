"""Search an index version: dense (FAISS), lexical (BM25) or both fused; filtered and grouped.

Access filters are applied before any ranking cut: the dense side searches only permitted
rows (a FAISS ID selector), the lexical side zeroes the scores of forbidden rows, so a
restricted document can neither be returned nor push a permitted one out of the top k.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from indexer.errors import SearchModeError
from indexer.lexical import LexicalIndex, LexicalIndexError, top_positive
from indexer.lexical.casing import Casing
from indexer.lexical.thesaurus import Thesaurus
from indexer.model import Chunk, Hit
from indexer.search.fusion import dense_weight, fuse, overview_penalty
from indexer.search.grouping import Result, group_results
from indexer.search.rows import RowTable, allowed_documents, allowed_rows, load_rows
from indexer.store import IndexVersion, current_version_id, open_current

log = logging.getLogger(__name__)

Mode = Literal["dense", "bm25", "hybrid"]
MODES: tuple[Mode, ...] = ("dense", "bm25", "hybrid")
_MIN_DEPTH = 50  # candidates per retriever: enough to fill k documents after grouping


class QueryEmbedder(Protocol):
    name: str

    def embed_query(self, text: str) -> np.ndarray: ...


@dataclass(frozen=True)
class _Candidates:
    rows: np.ndarray  # int64 row ids (= FAISS ids)
    cosine: np.ndarray  # float32, nan where the dense side could not tell
    bm25: np.ndarray  # float32, 0 where no query term matched
    score: np.ndarray  # float32, the ranking score of the mode


class Searcher:
    """Answers queries from the current index version; ``refresh`` follows new versions.

    Everything that belongs to one version lives in one ``_Serving`` object, swapped in a
    single assignment: a question running while ``refresh`` opens a new version finishes on
    the old one.
    """

    def __init__(
        self, index_dir: Path, embedder: QueryEmbedder, *, dense_weight: float | None = None,
        overview_penalty: float | None = None,
    ) -> None:
        """``dense_weight`` and ``overview_penalty`` override the index's (for tuning runs)."""
        import faiss

        faiss.omp_set_num_threads(1)  # one query at a time: threads cost more than they save
        self._index_dir = Path(index_dir)
        self._embedder = embedder
        self._weight_override = dense_weight
        self._penalty_override = overview_penalty
        self._serving = self._open()
        self._broken: tuple[str, str] | None = None  # (version id, error type) not opened

    def _open(self) -> _Serving:
        version = open_current(self._index_dir, expect_model=self._embedder.name)
        _ = version.dense  # load now, not during the first question
        lexical: LexicalIndex | None = None
        try:
            lexical = version.lexical
        except LexicalIndexError as exc:  # answer from the dense side rather than not at all
            log.error("lexical index unusable, hybrid search falls back to dense: %s", exc)
        weight, penalty = self._weight_override, self._penalty_override
        serving = _Serving(version, lexical, load_rows(version),
                           dense_weight(version.manifest) if weight is None else weight)
        serving.penalty = overview_penalty(version.manifest) if penalty is None else penalty
        serving.casing = Casing.learn(_texts(version))
        log.info("search: version %s, %d chunks, dense weight %.2f",
                 version.version_id, serving.rows.size, serving.weight)
        return serving

    @property
    def version_id(self) -> str:
        return self._serving.version.version_id

    @property
    def casing(self) -> Casing:
        """How the serving version's documents write their words (``indexer.lexical.casing``):
        a question typed in lower case is read as if written with their capitals."""
        return self._serving.casing

    @property
    def dense_weight(self) -> float:
        return self._serving.weight

    @dense_weight.setter
    def dense_weight(self, weight: float) -> None:
        self._weight_override = min(1.0, max(0.0, float(weight)))
        self._serving.weight = self._weight_override

    @property
    def manifest(self) -> Mapping[str, Any]:
        return self._serving.version.manifest

    @property
    def problem(self) -> str | None:
        """Why ``CURRENT`` names a version other than the one serving (None when it does not)."""
        if self._broken is None:
            return None
        return f"version {self._broken[0]} could not be opened ({self._broken[1]})"

    def refresh(self) -> bool:
        """Re-open when ``CURRENT`` names another version; True when it did.

        A version that cannot be opened (damaged files, another model) leaves the previous
        one serving: one bad build must not break every question. It is logged once and
        tried again only when ``CURRENT`` changes."""
        current = current_version_id(self._index_dir)
        if current is None or current == self.version_id:
            self._broken = None
            return False
        if self._broken is not None and self._broken[0] == current:
            return False
        try:
            self._serving = self._open()
        except Exception as exc:  # damaged FAISS/SQLite/manifest: keep answering
            self._broken = (current, type(exc).__name__)
            log.error("version %s named by CURRENT cannot be opened (%s: %s); still serving "
                      "%s", current, type(exc).__name__, exc, self.version_id)
            return False
        self._broken = None
        return True

    def search(
        self,
        query: str,
        k: int = 5,
        mode: Mode = "hybrid",
        groups: Collection[str] | None = None,
        folder: str | None = None,
        thesaurus: Thesaurus | None = None,
    ) -> list[Hit]:
        """The ``k`` best documents for ``query``, best first, one Hit per document.

        ``groups=None`` means no access filter (trusted callers only); otherwise a document
        with access groups is returned only when ``groups`` shares one of them. ``folder``
        keeps documents below that folder of the knowledge base. ``thesaurus``: the synonyms
        the lexical side reads for a word no document uses, the town's own (its directory
        loads them with the built-in list); None for the built-in list.
        """
        if mode not in MODES:
            raise SearchModeError(f"unknown search mode {mode!r}; use one of {', '.join(MODES)}")
        serving = self._serving
        if k <= 0 or not query.strip() or serving.rows.size == 0:
            return []
        if mode == "bm25" and serving.lexical is None:
            raise LexicalIndexError(
                f"version {serving.version.version_id} has no usable lexical index: rebuild "
                f"it with `python -m indexer build --index {self._index_dir}`"
            )
        allowed = serving.allowed(groups, folder)
        if allowed is not None and not allowed.any():
            return []
        vector = np.asarray(self._embedder.embed_query(query), dtype=np.float32)
        depth = max(_MIN_DEPTH, 10 * k)
        candidates = serving.candidates(query, vector, mode, depth, allowed, thesaurus)
        return serving.grouped_hits(candidates, k, allowed)


def _texts(version: IndexVersion, batch: int = 2000) -> Iterator[str]:
    """The text of every chunk open to all staff, read in batches (a restricted document's
    words must not shape how anybody's question is read)."""
    for start in range(0, version.chunk_count, batch):
        ids = range(start, min(version.chunk_count, start + batch))
        yield from (chunk.text for chunk in version.chunks(list(ids)) if not chunk.meta.groups)


class _Serving:
    """One open index version with what searching it needs."""

    def __init__(self, version: IndexVersion, lexical: LexicalIndex | None, rows: RowTable,
                 weight: float) -> None:
        self.version, self.lexical, self.rows, self.weight = version, lexical, rows, weight
        self.penalty = 0.0
        self.casing = Casing()
        self._masks: dict[tuple[Any, ...], np.ndarray | None] = {}

    def allowed(self, groups: Collection[str] | None, folder: str | None) -> np.ndarray | None:
        key = (None if groups is None else frozenset(groups), folder)
        if key not in self._masks:
            if len(self._masks) > 256:
                self._masks.clear()
            self._masks[key] = allowed_rows(self.rows, groups, folder)
        return self._masks[key]

    def candidates(
        self, query: str, vector: np.ndarray, mode: Mode, depth: int, allowed: np.ndarray | None,
        thesaurus: Thesaurus | None,
    ) -> _Candidates:
        dense_rows, dense_cos = (
            self._dense_search(vector, depth, allowed) if mode != "bm25" else ([], [])
        )
        lexical = self._lexical_scores(query, thesaurus) if mode != "dense" else None
        if lexical is not None and allowed is not None:
            lexical = np.where(allowed, lexical, 0.0).astype(np.float32)
        lexical_top = top_positive(lexical, depth) if lexical is not None else []
        rows = np.asarray(list(dict.fromkeys([*dense_rows, *(r for r, _ in lexical_top)])))
        rows = rows.astype(np.int64)
        cosine = self._cosines(rows, vector, dict(zip(dense_rows, dense_cos, strict=True)))
        bm25 = lexical[rows] if lexical is not None else np.zeros(len(rows), np.float32)
        if mode == "dense":
            score = cosine
        elif mode == "bm25":
            score = bm25
        else:
            score = fuse(np.nan_to_num(cosine, nan=float(np.nanmin(cosine, initial=0.0))),
                         bm25, self.weight)
            score = score - self.penalty * self.rows.overview[self.rows.document[rows]]
        return _Candidates(rows, cosine, bm25, np.asarray(score, dtype=np.float32))

    def _lexical_scores(self, query: str, thesaurus: Thesaurus | None) -> np.ndarray | None:
        if self.lexical is None:
            return None
        return self.lexical.scores(query, thesaurus)

    def _dense_search(
        self, vector: np.ndarray, depth: int, allowed: np.ndarray | None
    ) -> tuple[list[int], list[float]]:
        import faiss

        params = None
        if allowed is not None:
            bitmap = np.packbits(allowed, bitorder="little")
            selector = faiss.IDSelectorBitmap(allowed.size, faiss.swig_ptr(bitmap))
            params = faiss.SearchParameters()
            params.sel = selector
        depth = min(depth, self.rows.size)
        scores, ids = self.version.dense.search(vector.reshape(1, -1), depth, params=params)
        pairs = [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
        return [i for i, _ in pairs], [s for _, s in pairs]

    def _cosines(
        self, rows: np.ndarray, vector: np.ndarray, known: dict[int, float]
    ) -> np.ndarray:
        """Cosine of every candidate; rows the dense side did not return are reconstructed."""
        cosine = np.array([known.get(int(r), np.nan) for r in rows], dtype=np.float32)
        missing = np.flatnonzero(np.isnan(cosine))
        if missing.size:
            try:
                vectors = self.version.dense.reconstruct_batch(rows[missing])
                cosine[missing] = vectors @ vector
            except RuntimeError:  # an index type without reconstruction: leave nan
                log.debug("dense index cannot reconstruct vectors")
        return cosine

    def grouped_hits(self, found: _Candidates, k: int, allowed: np.ndarray | None
                     ) -> list[Hit]:
        visible = allowed_documents(self.rows, allowed)
        results = group_results(self.rows, found.rows, found.score, k, visible)
        wanted = [int(found.rows[p]) for r in results for p in (r.best, *r.more)]
        chunks = dict(zip(wanted, self.version.chunks(wanted), strict=True))
        return [self._hit(found, result, rank, chunks)
                for rank, result in enumerate(results, start=1)]

    @staticmethod
    def _hit(found: _Candidates, result: Result, rank: int, chunks: Mapping[int, Chunk]) -> Hit:
        pos = result.best
        cosine, bm25 = float(found.cosine[pos]), float(found.bm25[pos])
        return Hit(
            chunk=chunks[int(found.rows[pos])],
            score=float(found.score[pos]),
            rank=rank,
            dense_score=None if np.isnan(cosine) else cosine,
            lexical_score=bm25 if bm25 > 0 else None,
            more_in_document=tuple(chunks[int(found.rows[p])] for p in result.more),
            also_in=result.also_in,
        )
