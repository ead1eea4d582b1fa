"""Each town's own synonyms (``synonyme.txt`` beside its directory) serve that town only: two
towns of one deployment, warmed up as the server does, each with a word for the ferry the
other does not know ("Pünte" in Nord, "Zille" in Süd)."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from bot.tenants import town_settings
from bot.turns import Turn, UserRef
from indexer.embedding import FakeEmbedder
from indexer.lexical import question_stems
from tests.bot.tenants.towns import NORD, SUED, indexed_towns, write_tenants

pytestmark = pytest.mark.integration

WORDS = {NORD.id: "Pünte", SUED.id: "Zille"}
WHO = "Wer ist für die {} zuständig?"


@pytest.fixture
def assistants(tmp_path: Path) -> dict[str, Any]:
    """The assistants of Nord and Süd (``build_assistant`` of each town's settings, one
    embedder for both, as ``bot.towns_app`` starts them)."""
    from bot.assistant.warmup import build_assistant

    base = Settings(_env_file=None, tenants_file=write_tenants(tmp_path, NORD, SUED),
                    state_db=tmp_path / "var" / "state.sqlite")
    embedder = FakeEmbedder()
    served = {}
    for town in indexed_towns(base):
        (town.directory_dir / "synonyme.txt").write_text(f"Fähre, {WORDS[town.id]}\n",
                                                         encoding="utf-8")  # fmt: skip
        served[town.id] = build_assistant(town_settings(town, base), lambda: date(2026, 8, 5),
                                          embedder)  # fmt: skip
    return served


def task_named(assistant: Any, word: str) -> str | None:
    replies = asyncio.run(assistant.handle(Turn(WHO.format(word), UserRef("aad-x"), "c")))
    answer = replies[0].data["answer"]
    return answer["task_id"] if answer["found"] else None


def test_a_towns_word_finds_its_task_there_and_nowhere_else(assistants: dict[str, Any]) -> None:
    nord, sued = assistants[NORD.id], assistants[SUED.id]
    assert task_named(nord, "Pünte") == NORD.task
    assert task_named(sued, "Zille") == SUED.task
    assert task_named(sued, "Pünte") is None
    assert task_named(nord, "Zille") is None


def test_a_towns_word_reaches_its_search_only(assistants: dict[str, Any]) -> None:
    for own, other in ((NORD, SUED), (SUED, NORD)):
        assistant, word = assistants[own.id], WORDS[other.id]
        assert assistant.directory.thesaurus.alternatives(question_stems(word)) == {}
        search = assistant.searcher.search
        assert search(WORDS[own.id], mode="bm25", thesaurus=assistant.directory.thesaurus)
        assert search(word, mode="bm25", thesaurus=assistant.directory.thesaurus) == []
