"""The vectorised n-gram BM25 against a plain, obviously-correct computation."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from indexer.lexical import GramIndex, char_ngrams
from indexer.lexical import grams as lexical_grams

DOCS = [
    ["hundesteuer", "hund", "anmelden"],
    ["gewerbe", "anmelden", "gewerbe"],
    [],
    ["steuer", "hunde", "fällig", "januar"],
    ["urlaubsantrag"],
]


def plain_bm25(docs: list[list[str]], query: list[str], n: int) -> np.ndarray:
    bags = [Counter(g for w in doc for g in char_ngrams(w, n)) for doc in docs]
    average = sum(sum(b.values()) for b in bags) / len(bags)
    terms = {g for w in query for g in char_ngrams(w, n)}
    scores = np.zeros(len(docs))
    for term in terms:
        df = sum(1 for b in bags if term in b)
        if not df:
            continue
        idf = math.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
        for row, bag in enumerate(bags):
            tf = bag.get(term, 0)
            length = sum(bag.values())
            norm = lexical_grams.K1 * (1 - lexical_grams.B + lexical_grams.B * length / average)
            scores[row] += idf * tf / (tf + norm) if tf else 0.0
    return scores


def test_ngrams_carry_word_boundaries() -> None:
    assert char_ngrams("hund", 3) == ["#hu", "hun", "und", "nd#"]
    assert char_ngrams("a", 3) == ["#a#"]
    assert char_ngrams("hund", 0) == []


def test_scores_equal_a_plain_bm25() -> None:
    index = GramIndex.build(DOCS, 3)
    for query in (["hundesteuer"], ["steuer", "hunde"], ["urlaubsantrg"], ["xyz"]):
        np.testing.assert_allclose(index.scores(query, budget=10**9), plain_bm25(DOCS, query, 3),
                                   rtol=1e-5, atol=1e-6)


def test_batches_give_the_same_index(monkeypatch: pytest.MonkeyPatch) -> None:
    whole = GramIndex.build(DOCS, 3).scores(["hunde", "anmelden"], budget=10**9)
    monkeypatch.setattr(lexical_grams, "_BATCH", 2)
    batched = GramIndex.build(DOCS, 3).scores(["hunde", "anmelden"], budget=10**9)
    np.testing.assert_allclose(batched, whole, rtol=1e-6)


def test_budget_keeps_the_rarest_ngrams() -> None:
    index = GramIndex.build(DOCS, 3)
    # With no room only the rarest n-gram of the query is scored.
    rarest = index.query_terms(["anmelden", "urlaubsantrag"], budget=0)
    assert len(rarest) == 1
    full = index.query_terms(["anmelden", "urlaubsantrag"], budget=10**9)
    assert len(full) > 1 and rarest[0] in full


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    index = GramIndex.build(DOCS, 3)
    index.save(tmp_path / "grams")
    loaded = GramIndex.load(tmp_path / "grams")
    np.testing.assert_array_equal(loaded.scores(["hund"], 10**9), index.scores(["hund"], 10**9))


def test_empty_corpus_scores_nothing() -> None:
    index = GramIndex.build([[], []], 3)
    assert index.scores(["hund"], 100).tolist() == [0.0, 0.0]
