"""The German text analyser and the lexical indexes (word BM25, character trigrams)."""

from __future__ import annotations

from indexer.errors import LexicalIndexError
from indexer.lexical.bm25 import (
    LexicalIndex,
    analyze,
    split_compound,
    top_positive,
)
from indexer.lexical.grams import (
    GramIndex,
    char_ngrams,
)

__all__ = [
    "GramIndex",
    "LexicalIndex",
    "LexicalIndexError",
    "analyze",
    "char_ngrams",
    "split_compound",
    "top_positive",
]
