"""The one German analyser: what documents and questions become (indexer.lexical.analysis)."""

from __future__ import annotations

import pytest

from indexer.lexical import analyze, question_stems, split_compound


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Wie melde ich einen Hund ab?", ["abmeld", "hund"]),
        ("Wo melde ich meinen Hund an", ["anmeld", "hund"]),
        ("Wann hole ich den Pass ab?", ["abhol", "pass"]),
        # the particle of the second clause joins its own verb, not the first clause's noun
        ("Wer kümmert sich um die Hundesteuer und wie melde ich einen Hund ab?",
         ["hundesteu", "abmeld", "hund"]),
    ],
)
def test_question_stems_rejoin_separable_verbs(question: str, expected: list[str]) -> None:
    assert question_stems(question) == expected


def test_question_stems_drop_filler_numbers_and_repeats() -> None:
    assert question_stems("Wer ist heute zuständig für Hunde, 2 Hunde?") == ["hund"]
    assert question_stems("Wer macht den B-Plan?") == ["bplan"]


def test_a_particle_without_a_verb_before_it_joins_nothing() -> None:
    assert question_stems("Hund ab") == ["hund"]


def test_questions_and_documents_meet_in_the_same_stems() -> None:
    document = set(analyze("Abmeldung eines Hundes beim Steueramt"))
    assert set(question_stems("Wie melde ich meinen Hund ab?")) <= document


def test_compound_parts_against_a_vocabulary() -> None:
    vocabulary = {"hund", "steu", "gewerb", "ordnung"}
    assert split_compound("hundesteuer", vocabulary) == ("hund", "steu")
    assert split_compound("gewerbesordnung", vocabulary) == ("gewerb", "ordnung")
