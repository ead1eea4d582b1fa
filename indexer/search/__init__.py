"""Hybrid retrieval (dense + lexical, fused) over the current index version."""

from __future__ import annotations

from indexer.search.searcher import (
    MODES,
    Searcher,
    SearchModeError,
)

__all__ = [
    "MODES",
    "SearchModeError",
    "Searcher",
]
