"""BM25 with German stemming, stop words and compound splitting, on real small texts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexer.lexical import LexicalIndex, LexicalIndexError, analyze, split_compound

TEXTS = [
    "Hundesteuer: Wer einen Hund hält, meldet ihn beim Steueramt an.",
    "Gewerbe anmelden: Sie brauchen das Formular GewA 1 und den Personalausweis.",
    "Die Steuer für Hunde wird jährlich im Januar fällig.",
    "Gewerbeanmeldung: online über das Serviceportal möglich.",
    "Friedhofsgebühren richten sich nach der Satzung über die Grabnutzung.",
    "Urlaubsantrag: im Personalamt bis zum Monatsende abgeben.",
]


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    return LexicalIndex.build(TEXTS)


def ids(hits: list[tuple[int, float]]) -> list[int]:
    return [i for i, _ in hits]


def test_analyze_drops_stop_words_and_stems() -> None:
    assert analyze("Was brauche ich für die Anmeldung der Hunde?") == ["brauch", "anmeld", "hund"]


def test_inflected_forms_match(index: LexicalIndex) -> None:
    assert ids(index.search("Urlaubsanträge", 3))[:1] == [5]


def test_compound_query_finds_split_form(index: LexicalIndex) -> None:
    found = ids(index.search("Hundesteuer", 6))
    assert set(found[:2]) == {0, 2}
    assert 2 in found


def test_split_query_finds_compound(index: LexicalIndex) -> None:
    assert set(ids(index.search("Steuer für Hunde", 6))[:2]) == {0, 2}
    assert set(ids(index.search("Gewerbe anmelden", 6))[:2]) == {1, 3}
    assert set(ids(index.search("Gewerbeanmeldung", 6))[:2]) == {1, 3}


def test_splitting_can_be_switched_off_and_then_compounds_do_not_match() -> None:
    plain = LexicalIndex.build(TEXTS, split_compounds=False, ngrams=0)
    assert 3 not in ids(plain.search("Gewerbe anmelden", 6))
    assert 1 not in ids(plain.search("Gewerbeanmeldung", 6))


def test_split_prefers_longest_known_tail() -> None:
    vocabulary = {"hund", "steu", "teu"}
    assert split_compound("hundesteuer", vocabulary) == ("hund", "steu")
    assert split_compound("hundesteuer", {"steu"}) == ()
    assert split_compound("kurz", vocabulary) == ()


def test_only_stop_words_or_unknown_words_find_nothing(index: LexicalIndex) -> None:
    assert index.search("Was ist das?", 5) == []
    words_only = LexicalIndex.build(TEXTS, ngrams=0)
    assert words_only.search("Quantenchromodynamik", 5) == []


def test_character_ngrams_forgive_a_misspelt_word() -> None:
    assert ids(LexicalIndex.build(TEXTS).search("Urlaubsantrg", 3))[:1] == [5]
    assert LexicalIndex.build(TEXTS, ngrams=0).search("Urlaubsantrg", 3) == []


def test_mask_removes_rows_before_the_cut(index: LexicalIndex) -> None:
    allowed = np.ones(len(TEXTS), dtype=bool)
    allowed[0] = False
    found = ids(index.search("Hundesteuer", 1, allowed))
    assert found == [2]


def test_save_and_load_round_trip(index: LexicalIndex, tmp_path: Path) -> None:
    index.save(tmp_path / "lexical")
    loaded = LexicalIndex.load(tmp_path / "lexical")
    assert loaded.search("Steuer für Hunde", 6) == index.search("Steuer für Hunde", 6)
    assert loaded.size == len(TEXTS)


def test_empty_index_saves_loads_and_finds_nothing(tmp_path: Path) -> None:
    LexicalIndex.build([]).save(tmp_path / "lex")
    assert LexicalIndex.load(tmp_path / "lex").search("Hund", 3) == []


def test_missing_or_foreign_index_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LexicalIndexError):
        LexicalIndex.load(tmp_path / "nothing")
    (tmp_path / "lexical.json").write_text('{"format": 999, "size": 1}', encoding="utf-8")
    with pytest.raises(LexicalIndexError, match="rebuild"):
        LexicalIndex.load(tmp_path)
