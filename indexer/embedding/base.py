"""The embedder protocol and the error of a model that cannot be loaded."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Protocol, runtime_checkable

import numpy as np

from indexer.errors import EmbedderUnavailable

__all__ = ["Embedder", "EmbedderUnavailable", "remembering_recent_queries"]

# One answer embeds its question up to three times (the search, the task recognition before
# and after the gate); a few recent ones cover the questions being answered at once.
RECENT_QUERIES = 16


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of one model."""

    name: str
    dimension: int
    max_tokens: int

    def count_tokens(self, text: str) -> int:
        """Tokens the model feeds for ``text`` as a passage, prefix and special tokens included."""
        ...

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """(n, dimension) float32, one L2-normalised row per text."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """(dimension,) float32, L2-normalised."""
        ...


def remembering_recent_queries(
    embed: Callable[[str], np.ndarray], size: int = RECENT_QUERIES
) -> Callable[[str], np.ndarray]:
    """``embed`` (a model's query embedding) remembering its last ``size`` questions: one
    answer asks for the same question's vector several times, at ~25 ms of CPU each. The
    vectors are read-only (a caller changing one would change it for the next); the
    questions stay in memory only until newer ones push them out."""

    @lru_cache(maxsize=size)
    def remembered(text: str) -> np.ndarray:
        vector = embed(text)
        vector.flags.writeable = False
        return vector

    return remembered
