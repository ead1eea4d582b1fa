"""bench/keyword_learning.py: the admin's side of a round, adding words to a copy of the
directory (the round itself needs the real model and runs as a benchmark)."""

from __future__ import annotations

from pathlib import Path

from bench.keyword_learning import learned_directory
from bot.directory import Directory

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "directory"


def test_learned_words_join_the_tasks_keywords_in_a_copy(tmp_path: Path) -> None:
    before = (FIXTURES / "zustaendigkeiten.csv").read_bytes()
    copy = learned_directory(FIXTURES, tmp_path / "copy", {
        "meldewesen": ["Ummeldugn", "Umzug"],  # "Umzug" is a keyword already
        "hundesteuer": ["Welpen"],
        "gibtsnicht": ["Wort"],
    })
    tasks = Directory.load(copy).tasks
    assert tasks["meldewesen"].keywords == ("Wohnsitz", "Umzug", "Meldebescheinigung",
                                            "Ummeldugn")
    assert tasks["hundesteuer"].keywords[-1] == "Welpen"
    assert tasks["grundsteuer"].keywords == Directory.load(FIXTURES).tasks["grundsteuer"].keywords
    assert (FIXTURES / "zustaendigkeiten.csv").read_bytes() == before  # the original stays
    assert Directory.load(copy).match_tasks("Wer macht die Ummeldugn?")[0][0].id == "meldewesen"
