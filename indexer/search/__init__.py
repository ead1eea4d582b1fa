"""Hybrid retrieval (dense + lexical, fused) over the current index version."""

from __future__ import annotations

from indexer.errors import SearchModeError
from indexer.search.searcher import (
    MODES,
    Searcher,
)

__all__ = [
    "MODES",
    "SearchModeError",
    "Searcher",
]
