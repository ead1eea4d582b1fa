"""The confidence: does the knowledge base cover the question? Unit tests of the signals, and the
measurement on the real e5 model over the sample knowledge base (tuning and held-out questions
of confidence_questions.py; the figures are in docs/assistant.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.assistant import (
    Evidence,
    confidence_of,
    coverage_of,
    evidence_of,
    names_a_task,
    noun_stems,
    question_stems,
    unknown_words,
)
from bot.directory import Task
from indexer.model import Hit

from .calibrate import answered, evidences, question_sets
from .conftest import KB, chunk

HUND = chunk("steueramt/hund.md", "Abmeldung eines Hundes", "1. Abmeldeformular prüfen\n"
             "2. Hundemarke zurücknehmen", "Übergabe Hundesteuer", ("hundesteuer",))  # fmt: skip


def test_coverage_counts_the_question_words_in_the_document() -> None:
    hit = Hit(HUND, 0.9, 1, dense_score=0.9)
    assert "zustand" not in question_stems("Wer ist zuständig?")  # filler is no topic
    assert coverage_of(question_stems("Hundemarke zurücknehmen"), hit) == 1.0
    assert coverage_of(question_stems("Wie melde ich einen Hund ab?"), hit) > 0  # in "Hundes"
    assert coverage_of(question_stems("Fischereischein verlängern"), hit) == 0.0
    assert coverage_of(question_stems("Wer?"), hit) == 0.0


def test_each_signal_raises_the_confidence() -> None:
    base = Evidence(0.85, 0.5, 0.3)
    assert 0.0 < base.confidence < 1.0
    assert Evidence(0.87, 0.5, 0.3).confidence > base.confidence
    assert Evidence(0.85, 1.0, 0.3).confidence > base.confidence
    assert Evidence(0.85, 0.5, 0.8).confidence > base.confidence


def test_the_evidence_comes_from_the_hit_the_cosine_liked_best() -> None:
    other = chunk("bau/winter.md", "Streuplan", "Streuen und Räumen", "Winterdienst")
    hits = [Hit(other, 0.9, 1, dense_score=0.84), Hit(HUND, 0.8, 2, dense_score=0.88)]
    evidence = evidence_of("Hundemarke zurücknehmen", hits, 0.7)
    assert evidence == Evidence(0.88, 1.0, 0.7)
    assert confidence_of("Hundemarke", [], 0.9) == 0.0  # nothing found: no confidence


def test_unknown_words_are_those_no_document_and_no_matched_task_knows() -> None:
    hits = [Hit(HUND, 0.9, 1, dense_score=0.9)]
    fines = Task("bussgeld", "Bußgeldverfahren", keywords=("Bußgeld", "Ordnungswidrigkeit"))
    stems = question_stems("Hundemarke für Hühner")
    assert unknown_words(stems, hits) == sorted(stems - question_stems("Hundemarke"))
    assert unknown_words(question_stems("Bußgeldbescheide"), hits, [fines]) == []  # in a task
    assert unknown_words(question_stems("Bußgeldbescheide"), hits) != []
    assert noun_stems("Sperrmüll anmelden, wen rufe ich an?") == question_stems("Sperrmüll")
    assert noun_stems("sperrmüll anmelden") == frozenset()  # typed in lower case: no nouns


def test_a_task_alone_answers_only_a_strong_match_when_a_noun_is_unknown() -> None:
    assert names_a_task(Evidence(0.8, 0.0, 0.65))
    assert not names_a_task(Evidence(0.8, 0.0, 0.65, unknown=1.0))  # "Sperrmüll anmelden"
    assert names_a_task(Evidence(0.8, 0.0, 0.8, unknown=1.0))  # "Drucker ... Toner"
    assert not names_a_task(Evidence(0.9, 1.0, 0.5))
    hits = [Hit(HUND, 0.9, 1, dense_score=0.9)]
    assert evidence_of("Wo melde ich Hühner an?", hits, 0.65).unknown == 1.0
    assert evidence_of("Wo melde ich die Hundemarke ab?", hits, 0.65).unknown == 0.0


@pytest.fixture(scope="module")
def measured(kb_index: Path, embedder: Any) -> dict[str, tuple[list[Evidence], bool]]:
    from bot.assistant.warmup import documents_meta
    from bot.directory.directory import Directory
    from bot.settings import Settings
    from indexer.search.searcher import Searcher

    settings = Settings(_env_file=None, kb_dir=KB, index_dir=kb_index)
    directory = Directory.load(settings.directory_path, documents_meta(settings))
    searcher = Searcher(kb_index, embedder)
    return {
        name: (evidences(searcher, directory, questions), inside)
        for name, (questions, inside) in question_sets(KB).items()
    }


def share_right(measured: dict[str, tuple[list[Evidence], bool]], prefix: str, inside: bool,
                rule: str = "new+bot") -> float:  # fmt: skip
    found = [e for name, (es, is_in) in measured.items()
             if name.startswith(prefix) and is_in == inside for e in es]  # fmt: skip
    assert found
    return sum(answered(e, rule) == inside for e in found) / len(found)


@pytest.mark.integration
@pytest.mark.slow
def test_held_out_questions_are_judged_right_both_ways(measured: Any) -> None:
    # held-out1 was looked at while fixing the task matcher; measured (e5, sample KB, split
    # vectors, refitted rule): in-domain answered 0.98 (43/44), near-domain refused 0.59
    # (20/34), far-off 1.00
    assert share_right(measured, "held-out1", inside=True) >= 0.9
    assert share_right(measured, "held-out1 near", inside=False) >= 0.5
    assert share_right(measured, "held-out1 far-off", inside=False) >= 0.9
    # and it is better than the rule it replaced, where that rule failed
    assert share_right(measured, "held-out1", False) > share_right(measured, "held-out1", False,
                                                                   "old+bot") + 0.15  # fmt: skip


@pytest.mark.integration
@pytest.mark.slow
def test_second_held_out_set_is_judged_right_both_ways(measured: Any) -> None:
    # never fitted or tuned on; measured (split vectors, refitted rule): in-domain answered
    # 0.97 (39/40), near-domain refused 0.88 (28/32)
    assert share_right(measured, "held-out2 in", inside=True) >= 0.9
    assert share_right(measured, "held-out2 near", inside=False) >= 0.8
    assert (
        share_right(measured, "held-out2 near", False)
        > share_right(measured, "held-out2 near", False, "old+bot") + 0.4
    )


@pytest.mark.integration
@pytest.mark.slow
def test_tuning_questions_are_judged_right_both_ways(measured: Any) -> None:
    # measured in-sample (split vectors, refitted rule): in-domain 0.91 (82/90), far-off 1.00,
    # near-domain 0.90 (27/30)
    assert share_right(measured, "tuning", inside=True) >= 0.85
    assert share_right(measured, "tuning far-off", inside=False) >= 0.95
    assert share_right(measured, "tuning near-domain", inside=False) >= 0.8
    # "who" questions on tasks no document describes: the directory path answers (12/12)
    assert share_right(measured, "check directory-only", inside=True) >= 0.9
