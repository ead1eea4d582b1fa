"""A plain reference retriever for bench/answer_eval.py: what a simple, untuned pipeline
finds on the same pages, so the bot's retrieval figures have a floor measured in the same run.

Recipe (fixed, never tuned): the pages' text split into windows of 120 words, e5 dense
vectors and BM25 (German stemmer and stop words, bm25s) over the windows, both rankings
fused by reciprocal rank fusion with k = 60, then one hit per page (its best window).
Window vectors are cached in a ``.npz`` file keyed by the text's hash, so a rerun is cheap.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

WINDOW_WORDS = 120
RRF_K = 60
CANDIDATES = 200  # windows taken from each ranking before fusion


def windows(text: str, size: int = WINDOW_WORDS) -> list[str]:
    """Consecutive windows of ``size`` words (the last one may be shorter)."""
    words = text.split()
    return [" ".join(words[i:i + size]) for i in range(0, len(words), size)]


def rrf(rankings: list[list[int]], k: int = RRF_K) -> dict[int, float]:
    """Reciprocal rank fusion: each item scores sum(1 / (k + rank)) over the rankings."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return scores


class ReferenceRetriever:
    """Dense + BM25 over 120-word windows of ``pages`` (source -> text), RRF, one hit a page."""

    def __init__(self, pages: Mapping[str, str], embedder: Any, cache: Path | None = None):
        import bm25s
        import Stemmer

        self._stemmer = Stemmer.Stemmer("german")
        self._embedder = embedder
        self.owner: list[str] = []
        texts: list[str] = []
        for source, text in sorted(pages.items()):
            for window in windows(text):
                self.owner.append(source)
                texts.append(window)
        self._vectors = _embed_cached(texts, embedder, cache)
        self._bm25 = bm25s.BM25()
        self._bm25.index(self._tokens(texts), show_progress=False)
        log.info("reference: %d pages, %d windows", len(pages), len(texts))

    def _tokens(self, texts: list[str]) -> Any:
        import bm25s

        return bm25s.tokenize(texts, stopwords="de", stemmer=self._stemmer,
                              return_ids=False, show_progress=False)

    def search(self, query: str, k: int = 10) -> list[str]:
        """The ``k`` best pages for ``query``, best first."""
        if not self.owner:
            return []
        depth = min(CANDIDATES, len(self.owner))
        vector = np.asarray(self._embedder.embed_query(query), dtype=np.float32)
        dense = np.argsort(-(self._vectors @ vector))[:depth].tolist()
        lexical: list[int] = []
        tokens = self._tokens([query])
        if tokens and tokens[0]:
            found, scores = self._bm25.retrieve(tokens, k=depth, show_progress=False)
            lexical = [int(i) for i, s in zip(found[0], scores[0], strict=True) if s > 0]
        fused = rrf([dense, lexical])
        ranked: list[str] = []
        for window in sorted(fused, key=lambda i: -fused[i]):
            source = self.owner[window]
            if source not in ranked:
                ranked.append(source)
            if len(ranked) == k:
                break
        return ranked


def _embed_cached(texts: list[str], embedder: Any, cache: Path | None) -> np.ndarray:
    keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
    known: dict[str, np.ndarray] = {}
    if cache is not None and cache.is_file():
        with np.load(cache) as stored:
            known = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))
    missing = sorted({key for key in keys if key not in known})
    if missing:
        by_key = dict(zip(keys, texts, strict=True))
        fresh = np.asarray(embedder.embed_passages([by_key[k] for k in missing]), np.float32)
        known.update(zip(missing, fresh, strict=True))
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            np.savez(cache, keys=np.array(list(known)), vectors=np.stack(list(known.values())))
    if not keys:
        return np.zeros((0, 1), np.float32)
    return np.stack([known[k] for k in keys]).astype(np.float32)


def read_pages(kb: Path, markdown_only: bool) -> dict[str, str]:
    """The open (unrestricted) documents' text by source path, read with the indexer's
    loaders; ``markdown_only`` keeps ``.md`` files only (the Hamburg reference recipe)."""
    from indexer.errors import IndexerError
    from indexer.loaders import LOADERS, is_sidecar, load_file

    pages: dict[str, str] = {}
    for path in sorted(kb.rglob("*")):
        relative = path.relative_to(kb)
        if (not path.is_file() or is_sidecar(path)
                or any(part.startswith(("_", ".")) for part in relative.parts)
                or path.suffix.lower() not in LOADERS
                or (markdown_only and path.suffix.lower() != ".md")):
            continue
        try:
            sections = load_file(path, kb)
        except IndexerError:
            continue
        if any(s.meta.groups for s in sections):
            continue  # restricted: the bot does not show it to an ordinary user either
        text = "\n".join(" ".join((*s.heading_path, s.text)) for s in sections)
        if text.strip():
            pages[sections[0].source] = text
    return pages
