"""How dense and lexical scores become one ranking.

Reciprocal-rank fusion treats both retrievers as equals, so a weak dense model (an English
model on German text) drags a strong BM25 down. Here each side's scores are normalised within
the candidates of one query and mixed with a weight that belongs to the embedding model: a
model that is good at German gets a large share, a weak one a small share. The weights were
tuned on one half of XQuAD-de and checked on the other (see docs/search.md); an index can
carry its own weight in ``manifest["fusion"]["dense_weight"]`` (e.g. tuned by an admin on the
administration's own questions).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

# Share of the dense side in the hybrid score, per embedding model (IndexSettings.model names).
DENSE_WEIGHTS: dict[str, float] = {"e5": 0.55, "minilm": 0.05}
# Unknown sentence-transformers models: trust neither side more than the other.
DEFAULT_DENSE_WEIGHT = 0.5
# Hybrid score taken off an overview page per unit of its overview score (0..1, set by the
# build: indexer.build.overview). Fitted on the tune sets only, see docs/search.md.
OVERVIEW_PENALTY = 0.3


def dense_weight(manifest: Mapping[str, Any]) -> float:
    """The weight for an index: its manifest's own, else the table's for its model."""
    fusion = manifest.get("fusion")
    if isinstance(fusion, Mapping) and isinstance(fusion.get("dense_weight"), int | float):
        return min(1.0, max(0.0, float(fusion["dense_weight"])))
    return DENSE_WEIGHTS.get(str(manifest.get("model", "")), DEFAULT_DENSE_WEIGHT)


def overview_penalty(manifest: Mapping[str, Any]) -> float:
    """The overview penalty for an index: its manifest's own, else ``OVERVIEW_PENALTY``."""
    fusion = manifest.get("fusion")
    if isinstance(fusion, Mapping) and isinstance(fusion.get("overview_penalty"), int | float):
        return max(0.0, float(fusion["overview_penalty"]))
    return OVERVIEW_PENALTY


def normalise(scores: np.ndarray) -> np.ndarray:
    """Scale one retriever's candidate scores to [0, 1] (best = 1, worst candidate = 0)."""
    if scores.size == 0:
        return scores.astype(np.float32)
    low, high = float(scores.min()), float(scores.max())
    if high - low < 1e-9:
        return np.ones_like(scores, dtype=np.float32) if high > 0 else np.zeros_like(scores)
    return ((scores - low) / (high - low)).astype(np.float32)


def fuse(cosine: np.ndarray, bm25: np.ndarray, weight: float) -> np.ndarray:
    """Hybrid score of each candidate from its cosine and BM25 score (0 = no lexical match)."""
    return weight * normalise(cosine) + (1.0 - weight) * normalise(bm25)
