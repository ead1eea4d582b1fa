"""The thesaurus: a question's words with their synonyms (indexer.lexical.thesaurus)."""

from __future__ import annotations

from indexer.lexical import question_stems
from indexer.lexical.thesaurus import BUILT_IN, Thesaurus, built_in, parse


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
    expanded = thesaurus.expand(question_stems("Meine Nichte will heiraten"))
    assert set(question_stems("Eheschließung Trauung")) <= set(expanded)


def test_a_phrase_counts_only_when_all_its_words_are_asked() -> None:
    thesaurus = Thesaurus([["Winterdienst", "Schnee räumen"]])
    assert thesaurus.alternatives(question_stems("Wer räumt den Weg?")) == {}
    alternatives = thesaurus.alternatives(question_stems("Wer muss den Schnee räumen?"))
    assert set(alternatives.values()) == {tuple(question_stems("Winterdienst"))}


def test_the_built_in_list_loads_with_many_groups_and_no_word_twice() -> None:
    groups = parse(BUILT_IN.read_text(encoding="utf-8"))
    assert len(built_in()) >= 100
    # (the same stems twice within a group, "Heirat, heiraten", are harmless)
    phrases = [p for group in groups for p in {tuple(question_stems(m)) for m in group} if p]
    repeated = {p for p in phrases if phrases.count(p) > 1}
    assert repeated == set()
