"""The embedder protocol and the error of a model that cannot be loaded."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from indexer.errors import EmbedderUnavailable

__all__ = ["Embedder", "EmbedderUnavailable"]


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
