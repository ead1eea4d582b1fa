"""Lexical (BM25) side of the search, over the German analysis of indexer.lexical.analysis.

The builder passes one text per chunk (row i = FAISS id i), with the document's keywords
appended, so keywords count like words of the text.

German glues words together: a document says "Hundesteuer", a member of staff asks about the
"Steuer für Hunde". Stemming alone cannot match these, so compounds are split against the
index's own vocabulary: at build time a long word whose head and tail are both words of the
corpus also yields its parts, and at query time a compound is split the same way, while
neighbouring query words are also tried glued together ("Gewerbe anmelden" ->
"gewerbeanmeld", the stem of "Gewerbeanmeldung").
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from indexer.errors import LexicalIndexError
from indexer.lexical.analysis import (
    GERMAN_STOP_WORDS,
    analyze,
    compound_joins,
    question_stems,
    split_compound,
    stem,
    words,
)
from indexer.lexical.grams import GramIndex
from indexer.lexical.thesaurus import Thesaurus, built_in

log = logging.getLogger(__name__)

__all__ = [
    "GERMAN_STOP_WORDS", "LexicalIndex", "LexicalIndexError", "analyze", "split_compound",
    "top_positive",
]

FORMAT_VERSION = 3
CHAR_NGRAMS = 3  # 0 switches character n-grams off (see docs/search.md for the measurements)
_PARAMS_FILE = "lexical.json"
OPEN_TAIL = True
NGRAM_WEIGHT = 0.5  # weight of the n-gram score relative to the word score
GRAM_BUDGET = 500_000  # postings a query's n-grams may touch (rarest n-grams first)




class LexicalIndex:
    """BM25 over analysed chunk texts; row ids are the FAISS ids of the chunks.

    The score of a row is its word score (bm25s over stems and compound parts) plus
    ``NGRAM_WEIGHT`` times its character n-gram score (``GramIndex``).
    """

    def __init__(self, bm25: object | None, size: int, split_compounds: bool = True,
                 grams: GramIndex | None = None) -> None:
        self._bm25 = bm25
        self.size = size
        self.split_compounds = split_compounds
        self.grams = grams
        vocab = getattr(bm25, "vocab_dict", None) or {}
        self._vocab: dict[str, int] = {t: i for t, i in vocab.items() if t}
        matrix = getattr(bm25, "scores", None) or {}
        empty = np.zeros(0)
        self._data: np.ndarray = matrix.get("data", empty)
        self._indices: np.ndarray = matrix.get("indices", empty)
        self._indptr: np.ndarray = matrix.get("indptr", empty)

    @classmethod
    def build(
        cls, texts: Sequence[str], split_compounds: bool = True, ngrams: int = CHAR_NGRAMS
    ) -> LexicalIndex:
        """Index ``texts`` (one per chunk, in FAISS id order)."""
        corpus = [words(t) for t in texts]
        if not corpus:
            return cls(None, 0, split_compounds)
        known = {stem(w) for doc in corpus for w in doc}
        parts: dict[str, tuple[str, ...]] = {}  # one split per distinct word, not per use
        tokens = [_document_tokens(doc, known, split_compounds, parts) for doc in corpus]
        import bm25s

        bm25 = bm25s.BM25(method="lucene")
        bm25.index(tokens, show_progress=False)
        grams = GramIndex.build(corpus, ngrams) if ngrams > 0 else None
        log.info("lexical index: %d chunks, %d words", len(tokens), len(known))
        return cls(bm25, len(tokens), split_compounds, grams)

    @property
    def ngrams(self) -> int:
        return self.grams.n if self.grams is not None else 0

    def query_tokens(self, query: str) -> list[str]:
        """The query's word terms as the index knows them (unknown terms are dropped)."""
        query_words = words(query)
        terms = [stem(w) for w in query_words]
        if self.split_compounds:
            for word in query_words:
                terms.extend(split_compound(word, self._vocab))
            terms.extend(compound_joins(query_words, self._vocab))
        return list(dict.fromkeys(t for t in terms if t in self._vocab))

    def synonym_terms(self, query: str, thesaurus: Thesaurus | None = None) -> list[list[str]]:
        """For each query word no document uses, its synonyms that documents use
        (indexer.lexical.thesaurus: "Perso" -> "personalausweis"). A word the documents use
        stands for itself: no drift on the town's own vocabulary. ``thesaurus``: the town's
        (the built-in list with its own groups); None for the built-in list alone."""
        thesaurus = built_in() if thesaurus is None else thesaurus
        found = []
        for word, alternatives in thesaurus.alternatives(question_stems(query), query).items():
            if word not in self._vocab:
                known = [t for t in alternatives if t in self._vocab]
                if known:
                    found.append(known)
        return found

    def scores(self, query: str, thesaurus: Thesaurus | None = None) -> np.ndarray:
        """BM25 score of every row (zeros where nothing matched); an unknown word's synonyms
        (from ``thesaurus``, see ``synonym_terms``) count together as much as one word (their
        mean)."""
        scores = self._word_scores(self.query_tokens(query))
        for synonyms in self.synonym_terms(query, thesaurus):
            scores += self._word_scores(synonyms) / len(synonyms)
        if self.grams is not None and NGRAM_WEIGHT > 0:
            scores += NGRAM_WEIGHT * self.grams.scores(words(query), GRAM_BUDGET)
        return scores

    def _word_scores(self, terms: list[str]) -> np.ndarray:
        if self._bm25 is None or not terms:
            return np.zeros(self.size, dtype=np.float32)
        # Sum the precomputed per-term scores of the query's columns; bincount is several
        # times faster than bm25s' numpy path (np.add.at) on a large index.
        term_ids = np.fromiter((self._vocab[t] for t in terms), dtype=np.int64)
        spans = list(zip(self._indptr[term_ids], self._indptr[term_ids + 1], strict=True))
        rows = np.concatenate([self._indices[a:b] for a, b in spans])
        values = np.concatenate([self._data[a:b] for a, b in spans])
        return np.bincount(rows, weights=values, minlength=self.size).astype(np.float32)

    def search(
        self, query: str, k: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """The ``k`` best rows with a positive score; ``allowed`` is an optional bool mask."""
        scores = self.scores(query)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        return top_positive(scores, k)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        params = {"format": FORMAT_VERSION, "size": self.size, "split": self.split_compounds,
                  "ngrams": self.ngrams}
        if self._bm25 is not None:
            self._bm25.save(str(directory), show_progress=False)  # type: ignore[attr-defined]
        if self.grams is not None:
            self.grams.save(directory / "grams")
        (directory / _PARAMS_FILE).write_text(json.dumps(params), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        try:
            params = json.loads((directory / _PARAMS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise LexicalIndexError(f"cannot read lexical index in {directory}: {exc}") from exc
        if params.get("format") != FORMAT_VERSION:
            raise LexicalIndexError(
                f"lexical index in {directory} has format {params.get('format')}, "
                f"expected {FORMAT_VERSION}: rebuild with 'python -m indexer build'"
            )
        size, split, ngrams = int(params["size"]), bool(params["split"]), int(params["ngrams"])
        if size == 0:
            return cls(None, 0, split)
        import bm25s

        try:
            bm25 = bm25s.BM25.load(str(directory), show_progress=False, verbosity=0)
            grams = GramIndex.load(directory / "grams") if ngrams > 0 else None
        except (OSError, ValueError, KeyError) as exc:
            raise LexicalIndexError(f"cannot read lexical index in {directory}: {exc}") from exc
        return cls(bm25, size, split, grams)


def _document_tokens(
    doc_words: Iterable[str], known: set[str], split: bool, parts: dict[str, tuple[str, ...]]
) -> list[str]:
    tokens = []
    for word in doc_words:
        tokens.append(stem(word))
        if split:
            if word not in parts:
                parts[word] = split_compound(word, known, OPEN_TAIL)
            tokens.extend(parts[word])
    return tokens


def top_positive(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """Indices and values of the ``k`` largest positive entries, best first."""
    if k <= 0 or scores.size == 0:
        return []
    k = min(k, scores.size)
    candidates = np.argpartition(-scores, k - 1)[:k]
    ordered = candidates[np.argsort(-scores[candidates], kind="stable")]
    return [(int(i), float(scores[i])) for i in ordered if scores[i] > 0]
