"""A town's own synonyms (bot.directory.synonyms): ``synonyme.txt`` beside the directory's CSV
files, read with them by ``Directory.load``, added to the built-in list for this directory
only, bad lines reported and skipped. The task matcher is tested here; the gate in
tests/bot/assistant/test_confidence.py, BM25 and the reload in
tests/bot/assistant/test_synonyms.py, two towns of one deployment in
tests/bot/tenants/test_synonyms.py."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.directory import GUESS, MATCH
from bot.directory.directory import Directory
from bot.directory.synonyms import MAX_GROUPS, MAX_LINE_CHARS, MAX_REPORTED, SYNONYMS_FILE
from indexer.lexical import question_stems
from indexer.lexical.thesaurus import built_in

from .conftest import OWN_WORDS, town_directory

KNOLLE = "Wer ist für die Knolle zuständig?"


def score(directory: Directory, question: str, task_id: str) -> float:
    return dict((t.id, s) for t, s in directory.match_tasks(question, k=5)).get(task_id, 0.0)


def problems_of(directory: Directory) -> dict[int | None, str]:
    return {p.line: p.message for p in directory.problems if p.file == SYNONYMS_FILE}


@pytest.mark.parametrize(
    ("question", "task_id"),
    [
        (KNOLLE, "verwarnung"),
        ("Wer ist für die Zehntscheuer zuständig?", "buergerhaus"),
        ("Wann kommt der Gelbe Sack?", "wertstoffe"),  # a phrase of the town's words
    ],
)
def test_a_town_word_reaches_its_task_through_the_matcher(
        tmp_path: Path, question: str, task_id: str) -> None:
    own = Directory.load(town_directory(tmp_path / "own", OWN_WORDS))
    plain = Directory.load(town_directory(tmp_path / "plain"))
    assert own.problems == [] and plain.problems == []
    assert score(own, question, task_id) >= MATCH
    assert score(plain, question, task_id) < GUESS  # the built-in list alone does not know it


def test_the_built_in_groups_stay_beside_the_towns_own(tmp_path: Path) -> None:
    own = Directory.load(town_directory(tmp_path / "own", OWN_WORDS))
    assert len(own.thesaurus) == len(built_in()) + 3
    assert score(own, "Wer ist für das Knöllchen zuständig?", "verwarnung") >= MATCH  # built in
    # and the copy made before every question (chat absences) keeps the town's words
    copy = own.with_absences([])
    assert copy.thesaurus is own.thesaurus and score(copy, KNOLLE, "verwarnung") >= MATCH


def test_without_the_file_the_built_in_list_serves(tmp_path: Path) -> None:
    directory = Directory.load(town_directory(tmp_path / "plain"))
    assert directory.thesaurus is built_in()  # shared, not built again for each load
    assert directory.problems == []


def test_one_towns_words_never_reach_another_town_nor_the_built_in_list(tmp_path: Path) -> None:
    lindenbach = Directory.load(town_directory(tmp_path / "lindenbach", OWN_WORDS))
    eichstetten = Directory.load(town_directory(tmp_path / "eichstetten", "Bürgerhaus, Kelter\n"))
    hall = "Wer ist für die {} zuständig?"
    assert score(lindenbach, hall.format("Zehntscheuer"), "buergerhaus") >= MATCH
    assert score(eichstetten, hall.format("Zehntscheuer"), "buergerhaus") < GUESS
    assert score(eichstetten, hall.format("Kelter"), "buergerhaus") >= MATCH
    assert score(lindenbach, hall.format("Kelter"), "buergerhaus") < GUESS
    assert score(eichstetten, KNOLLE, "verwarnung") < GUESS
    words = question_stems("Zehntscheuer Kelter Knolle")
    assert built_in().alternatives(words) == {}


def test_bad_lines_are_reported_with_their_line_and_skipped_and_the_rest_works(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    lines = [
        "Verwarnungsgeld, Knolle",  # 1: good
        "Einzelwort",  # 2: one word
        "Hund, Hunde",  # 3: forms of one word
        "Gelber Sack, Gelbe Tonne",  # 4: phrases of several words only
        "Wertstoffsammlung, " + ", ".join(["Sackware"] * 30),  # 5: too long
    ]
    text = "\n".join(lines).encode("utf-8") + "\nBürgerhaus, Zehntscheuer\n".encode("cp1252")
    with caplog.at_level(logging.INFO, logger="bot.directory"):
        directory = Directory.load(town_directory(tmp_path / "own", text))
    problems = problems_of(directory)
    assert sorted(problems) == [2, 3, 4, 5]  # line 6 was saved as Windows-1252: it works
    assert "nur ein Begriff" in problems[2]
    assert "nicht wirken" in problems[3] and "nicht wirken" in problems[4]
    assert f"länger als {MAX_LINE_CHARS} Zeichen" in problems[5]
    assert all("Bitte" in message for message in problems.values())  # polite, Sie-Form
    assert score(directory, KNOLLE, "verwarnung") >= MATCH  # the good line works
    assert len(directory.thesaurus) == len(built_in()) + 2
    # the log says where, never what: a line may hold anything
    assert "synonyme.txt line 2" in caplog.text and "synonyme.txt line 5" in caplog.text
    for word in ("Einzelwort", "Hunde", "Sackware", "Zehntscheuer", "Knolle"):
        assert word not in caplog.text


def test_an_unreadable_file_is_reported_and_the_built_in_list_serves(tmp_path: Path) -> None:
    folder = town_directory(tmp_path / "own")
    (folder / SYNONYMS_FILE).mkdir()  # not a file (root reads every file: no chmod here)
    directory = Directory.load(folder)
    assert directory.thesaurus is built_in()
    assert list(problems_of(directory)) == [None]
    assert score(directory, "Wer ist für das Knöllchen zuständig?", "verwarnung") >= MATCH


def test_groups_past_the_limit_are_reported_once_and_not_read(tmp_path: Path) -> None:
    text = "Verwarnungsgeld, Knolle\n" * MAX_GROUPS + "Bürgerhaus, Zehntscheuer\n" * 3
    directory = Directory.load(town_directory(tmp_path / "own", text))
    problems = problems_of(directory)
    assert list(problems) == [MAX_GROUPS + 1] and "2.000 Gruppen" in problems[MAX_GROUPS + 1]
    assert score(directory, KNOLLE, "verwarnung") >= MATCH
    assert score(directory, "Wer ist für die Zehntscheuer zuständig?", "buergerhaus") < GUESS


def test_a_huge_file_is_read_up_to_its_limit(tmp_path: Path) -> None:
    comments = 1_100
    text = ("Verwarnungsgeld, Knolle\n" + f"# {'x' * 997}\n" * comments
            + "Bürgerhaus, Zehntscheuer\n")
    directory = Directory.load(town_directory(tmp_path / "own", text))
    ((line, message),) = problems_of(directory).items()
    assert line is not None and 2 < line <= comments + 1 and "größer als 1.000 KB" in message
    assert score(directory, KNOLLE, "verwarnung") >= MATCH
    assert score(directory, "Wer ist für die Zehntscheuer zuständig?", "buergerhaus") < GUESS


def test_many_bad_lines_are_counted_past_the_first_few(tmp_path: Path) -> None:
    text = "Verwarnungsgeld, Knolle\n" + "Einzelwort\n" * (MAX_REPORTED + 7)
    problems = problems_of(Directory.load(town_directory(tmp_path / "own", text)))
    assert len(problems) == MAX_REPORTED + 1
    assert problems[None].startswith("7 weitere")


def test_one_bad_line_past_the_first_few_is_told_in_the_singular(tmp_path: Path) -> None:
    text = "Verwarnungsgeld, Knolle\n" + "Einzelwort\n" * (MAX_REPORTED + 1)
    problems = problems_of(Directory.load(town_directory(tmp_path / "own", text)))
    assert problems[None].startswith("Eine weitere fehlerhafte Zeile wurde übersprungen")
