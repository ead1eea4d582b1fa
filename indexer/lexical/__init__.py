"""The German text analyser and the lexical indexes (word BM25, character trigrams)."""

from __future__ import annotations

from indexer.errors import LexicalIndexError
from indexer.lexical.analysis import (
    GERMAN_STOP_WORDS,
    QUESTION_FILLER,
    VERB_PARTICLES,
    analyze,
    question_stems,
    split_compound,
    stem,
    words,
)
from indexer.lexical.bm25 import (
    LexicalIndex,
    top_positive,
)
from indexer.lexical.grams import (
    GramIndex,
    char_ngrams,
)

__all__ = [
    "GERMAN_STOP_WORDS",
    "QUESTION_FILLER",
    "VERB_PARTICLES",
    "GramIndex",
    "LexicalIndex",
    "LexicalIndexError",
    "analyze",
    "char_ngrams",
    "question_stems",
    "split_compound",
    "stem",
    "top_positive",
    "words",
]
