"""The thesaurus: a question's words with their synonyms (indexer.lexical.thesaurus), and
where the lexical side reads them (BM25 here; the task matcher in tests/bot/directory/
test_match.py; the gate's unknown words in tests/bot/assistant/test_confidence.py)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from indexer.lexical import LexicalIndex, question_stems
from indexer.lexical.thesaurus import BUILT_IN, Thesaurus, _read_groups, built_in, parse


def test_parse_reads_groups_and_skips_comments_and_single_words() -> None:
    text = "# Ausweise\nPersonalausweis, Perso, Ausweis\n\nEinzelwort\n Eheschließung ,heiraten\n"
    assert parse(text) == [["Personalausweis", "Perso", "Ausweis"], ["Eheschließung", "heiraten"]]


def test_a_colloquial_word_has_the_administrative_term_as_alternative() -> None:
    thesaurus = Thesaurus([["Personalausweis", "Perso"], ["Eheschließung", "heiraten", "Trauung"]])
    stems = question_stems("Wer macht heute die Perso-Anträge?")  # hyphen joins: "persoantrag"
    assert thesaurus.alternatives(stems) == {}
    stems = question_stems("Wo beantrage ich einen neuen Perso?")
    (perso,) = question_stems("Perso")
    assert thesaurus.alternatives(stems)[perso] == tuple(question_stems("Personalausweis"))
    (marry,) = question_stems("heiraten")
    alternatives = thesaurus.alternatives(question_stems("Meine Nichte will heiraten"))
    assert set(alternatives[marry]) == set(question_stems("Eheschließung Trauung"))


def _asked(thesaurus: Thesaurus, question: str) -> Mapping[str, tuple[str, ...]]:
    return thesaurus.alternatives(question_stems(question), question)


def test_a_phrase_counts_only_when_its_words_stand_together_and_is_never_handed_out() -> None:
    thesaurus = Thesaurus([["Ratenzahlung", "Teilzahlung", "in Raten zahlen"]])
    assert _asked(thesaurus, "Wer muss zahlen?") == {}
    assert _asked(thesaurus, "Können Sie mir raten, wo ich zahlen kann?") == {}  # "advise"
    assert _asked(thesaurus, "Raten und dann zahlen") == {}  # another clause
    # the phrase's own compound is an alternative too (its words are parts of it)
    instalments = set(question_stems("Ratenzahlung Teilzahlung"))
    for question in ("Kunde will in Raten zahlen", "Darf er in Raten zu zahlen?"):
        assert {a for alts in _asked(thesaurus, question).values() for a in alts} == instalments
    # without the question's text a phrase of several words never counts
    assert thesaurus.alternatives(question_stems("Kunde will in Raten zahlen")) == {}
    winter = Thesaurus([["Winterdienst", "Schnee räumen"]])
    used = _asked(winter, "Wer muss den Schnee räumen?")
    assert set(used.values()) == {tuple(question_stems("Winterdienst"))}
    # the words of "Schnee räumen" never stand alone for the Winterdienst
    assert _asked(Thesaurus([["Schnee räumen", "Winterdienst"]]),
                  "Wer macht den Winterdienst?") == {}  # fmt: skip


def test_a_longer_compound_of_the_asked_word_is_no_alternative() -> None:
    thesaurus = Thesaurus([["Gewerbesteuer", "GewSt", "Gewerbesteuerbescheid"]])
    (asked,) = question_stems("Gewerbesteuer")
    assert thesaurus.alternatives([asked]) == {asked: tuple(question_stems("GewSt"))}


def test_the_built_in_list_loads_with_many_groups_and_no_word_in_two_groups() -> None:
    groups = parse(BUILT_IN.read_text(encoding="utf-8"))
    assert len(built_in()) >= 100
    # one-word phrases are what a question's word turns into: none may mean two things; the
    # same stems twice within a group ("Heirat, heiraten") are harmless
    words = [p for group in groups
             for p in {tuple(question_stems(m)) for m in group} if len(p) == 1]  # fmt: skip
    assert {w for w in words if words.count(w) > 1} == set()


def test_bm25_looks_for_an_unknown_word_in_its_synonyms_only() -> None:
    index = LexicalIndex.build(["Personalausweis beantragen im Bürgerbüro",
                                "Passwort zurücksetzen am Rechner"])  # fmt: skip
    assert index.synonym_terms("Wo bekomme ich einen Perso?") == [["personalausweis"]]
    scores = index.scores("Wo bekomme ich einen Perso?")
    assert scores[0] > 0 and scores[1] == 0
    # a word the documents use stands for itself
    own = LexicalIndex.build(["Den Perso gibt es im Bürgerbüro", "Personalausweis verloren"])
    assert own.synonym_terms("Wo bekomme ich einen Perso?") == []


def test_extended_adds_a_towns_groups_and_leaves_the_shared_list_as_it_is() -> None:
    shared = Thesaurus([["Personalausweis", "Perso"]])
    town = shared.extended([["Verwarnungsgeld", "Knolle"], ["Hund", "Hunde"]])
    (knolle,) = question_stems("Knolle")
    (perso,) = question_stems("Perso")
    assert len(shared) == 1 and len(town) == 2  # forms of one word make no group
    assert town.alternatives([knolle]) == {knolle: tuple(question_stems("Verwarnungsgeld"))}
    assert town.alternatives([perso]) == shared.alternatives([perso]) != {}
    assert shared.alternatives([knolle]) == {}


def test_bm25_reads_the_thesaurus_it_is_given() -> None:
    index = LexicalIndex.build(["Das Verwarnungsgeld per Überweisung bezahlen",
                                "Personalausweis beantragen im Bürgerbüro"])  # fmt: skip
    town = built_in().extended([["Verwarnungsgeld", "Knolle"]])
    query = "Wie bezahle ich die Knolle?"
    assert index.synonym_terms(query) == []  # the built-in list alone
    assert index.synonym_terms(query, town) == [["verwarnungsgeld"]]
    assert index.scores(query, town)[0] > index.scores(query)[0]


def test_a_missing_or_corrupt_list_is_logged_and_leaves_no_synonyms(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    corrupt = tmp_path / "thesaurus_de.txt"
    corrupt.write_bytes(b"Personalausweis, Perso\n\xff\xfe kaputt\n")
    assert _read_groups(corrupt) == ()
    assert _read_groups(tmp_path / "fehlt.txt") == ()
    assert [r.levelname for r in caplog.records] == ["WARNING", "WARNING"]
    assert "Perso" not in caplog.text  # where, not what


def test_a_group_written_twice_counts_once() -> None:
    town = built_in().extended([["Verwarnungsgeld", "Knolle"]] * 3)
    assert len(town) == len(built_in()) + 1


def test_a_phrase_shared_by_many_groups_is_read_once_per_question(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import indexer.lexical.thesaurus as module

    calls: list[tuple[str, ...]] = []
    original = module._together

    def counting(phrase: tuple[str, ...], question: str) -> bool:
        calls.append(tuple(phrase))
        return original(phrase, question)

    monkeypatch.setattr(module, "_together", counting)
    town = Thesaurus([[f"Wort{n}x", "Gelber Sack"] for n in range(100)])
    question = "Wann kommt der Gelbe Sack?"
    found = town.alternatives(question_stems(question), question)
    assert found  # the phrase stands together: its groups' words are alternatives
    assert len(calls) == 1
