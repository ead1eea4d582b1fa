"""A town's own synonyms (``synonyme.txt`` beside its directory, bot.directory.synonyms) in the
assistant: the search gets the directory's thesaurus (BM25 finds a document for a word no
document uses), a changed file is read again with the directory after a reindex, without a
restart, and its problems reach the admins' gap report."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from bot.turns import Reply, Turn, UserRef
from tests.bot.directory.conftest import town_directory

from .conftest import FIXED_DAY, ScriptedSearcher, chunk

ADMIN = UserRef("aad-akern", email="anna.kern@test.example")  # group admins
STAFF = UserRef("aad-unknown")
WHO = "Wer ist für die {} zuständig?"
FINES = """---
titel: Verwarnungsgeld bei Parkverstößen
aufgaben: [verwarnung]
---
# Verwarnungsgeld bei Parkverstößen

## Bezahlen

1. Das Verwarnungsgeld per Überweisung bezahlen.
2. Die Quittung zur Akte nehmen.
"""


def ask(assistant: Any, text: str, user: UserRef = STAFF) -> Reply:
    replies = asyncio.run(assistant.handle(Turn(text, user, "conv-1")))
    assert len(replies) == 1
    return replies[0]


def responsible(reply: Reply) -> tuple[str | None, str | None]:
    """The task of an answer and its contact; (None, None) when the bot found nothing."""
    answer = reply.data["answer"]
    if not answer["found"]:
        return None, None
    return answer["task_id"], answer["who"]["contact"]["name"]


@pytest.fixture
def town(tmp_path: Path) -> tuple[Any, Settings]:
    """A running assistant of a town without ``synonyme.txt`` yet: real index (fake
    embedder), real directory, state and warm-up."""
    from bot.assistant.warmup import build_assistant
    from indexer.build.pipeline import build_index
    from indexer.embedding import FakeEmbedder

    kb = tmp_path / "kb"
    (kb / "ordnungsamt").mkdir(parents=True)
    (kb / "ordnungsamt" / "verwarnungsgeld.md").write_text(FINES, encoding="utf-8")
    town_directory(kb / "_verzeichnis")
    settings = Settings(_env_file=None, kb_dir=kb, index_dir=tmp_path / "index",
                        state_db=tmp_path / "state.sqlite", model="fake")
    build_index(settings, FakeEmbedder())
    return build_assistant(settings, lambda: FIXED_DAY, FakeEmbedder()), settings


def reindex(assistant: Any, settings: Settings) -> str | None:
    """What an admin's `neu indexieren` (or the folder watch) does: a build, which publishes
    nothing when only ``_verzeichnis/`` changed, then the assistant's follow-up (which returns
    the directory's line of the admin's summary)."""
    from indexer.build.pipeline import build_index
    from indexer.embedding import FakeEmbedder

    assert not build_index(settings, FakeEmbedder()).published
    return assistant._after_reindex()



@pytest.mark.integration
def test_an_edited_file_is_read_again_after_a_reindex_without_a_restart(
        town: tuple[Any, Settings]) -> None:
    assistant, settings = town
    synonyms = settings.directory_path / "synonyme.txt"
    fines = ("verwarnung", "Anna Kern")
    assert responsible(ask(assistant, WHO.format("Knolle"))) == (None, None)  # nobody knows it
    synonyms.write_text("Verwarnungsgeld, Knolle\n", encoding="utf-8")
    reindex(assistant, settings)
    assert responsible(ask(assistant, WHO.format("Knolle"))) == fines
    synonyms.write_text("Verwarnungsgeld, Zettel\n", encoding="utf-8")  # edited
    reindex(assistant, settings)
    assert responsible(ask(assistant, WHO.format("Knolle"))) == (None, None)
    assert responsible(ask(assistant, WHO.format("Zettel"))) == fines


@pytest.mark.integration
def test_the_admins_summary_says_what_the_directory_read_again_holds(
        town: tuple[Any, Settings]) -> None:
    """After `neu indexieren` the admin sees whether the edited file counted: the town's own
    groups (one already in the built-in list does not count) and how many lines the gap
    report lists."""
    from bot.texts import assistant as texts

    assistant, settings = town
    people, tasks = len(assistant.directory.people), len(assistant.directory.tasks)
    counts = {"people": texts.PEOPLE.format(n=people), "tasks": texts.TASKS.format(n=tasks)}
    before = reindex(assistant, settings)
    assert before == texts.REINDEX_DIRECTORY.format(**counts, synonyms="")
    assert before == f"Verzeichnis: {people} Personen, {tasks} Aufgaben."
    (settings.directory_path / "synonyme.txt").write_text(
        "Verwarnungsgeld, Knolle\nParkverstoß, Falschparken, Knöllchen\nEinzelwort\n",
        encoding="utf-8")
    summary = reindex(assistant, settings) or ""
    assert summary.splitlines() == [
        texts.REINDEX_DIRECTORY.format(**counts, synonyms=texts.REINDEX_OWN_SYNONYMS.format(n=2)),
        texts.REINDEX_DIRECTORY_PROBLEMS.format(n=1)]
    (settings.directory_path / "synonyme.txt").write_text("Verwarnungsgeld, Knolle\n",
                                                          encoding="utf-8")  # fmt: skip
    assert texts.REINDEX_OWN_SYNONYM in (reindex(assistant, settings) or "")
    (settings.directory_path / "personen.csv").write_bytes(b"\xff\xfe\x00garbage;;;\n" * 50)
    assert reindex(assistant, settings) == texts.REINDEX_DIRECTORY_KEPT
    assert len(assistant.directory.people) == people  # the previous directory serves

    def unreadable() -> Any:
        raise PermissionError("_verzeichnis")

    assistant._reload_directory = unreadable
    assert reindex(assistant, settings) == texts.REINDEX_DIRECTORY_FAILED
    assert len(assistant.directory.people) == people


@pytest.mark.integration
def test_another_replica_reads_the_edited_file_after_the_build_too(
        town: tuple[Any, Settings]) -> None:
    """Two bot processes on one index and knowledge base: the one an admin asks runs the
    build, which publishes nothing; the other reads the directory again from the watch."""
    from bot.assistant.warmup import build_assistant
    from indexer.embedding import FakeEmbedder

    first, settings = town
    other = build_assistant(settings.model_copy(update={"state_db": settings.state_db.parent
                                                        / "other.sqlite"}),
                            lambda: FIXED_DAY, FakeEmbedder())  # fmt: skip
    (settings.directory_path / "synonyme.txt").write_text("Verwarnungsgeld, Knolle\n",
                                                          encoding="utf-8")  # fmt: skip
    assert responsible(ask(other, WHO.format("Knolle"))) == (None, None)
    reindex(first, settings)
    assert other.follow_index() is False  # what its index watch does: no new version ...
    assert responsible(ask(other, WHO.format("Knolle"))) == ("verwarnung", "Anna Kern")


@pytest.mark.integration
def test_bm25_finds_the_document_for_a_town_word_no_document_uses(
        town: tuple[Any, Settings]) -> None:
    assistant, settings = town
    (settings.directory_path / "synonyme.txt").write_text("Verwarnungsgeld, Knolle\n",
                                                          encoding="utf-8")  # fmt: skip
    reindex(assistant, settings)
    search, question = assistant.searcher.search, "Was kostet eine Knolle?"
    assert search(question, mode="bm25") == []  # the built-in list alone
    found = search(question, mode="bm25", thesaurus=assistant.directory.thesaurus)
    assert [hit.source for hit in found] == ["ordnungsamt/verwarnungsgeld.md"]


@pytest.mark.integration
def test_the_calibration_measures_with_the_towns_synonyms(town: tuple[Any, Settings]) -> None:
    """``python -m bot kalibrieren`` measures what the bot computes when it answers."""
    from bot.assistant.calibrate import measure

    assistant, settings = town
    (settings.directory_path / "synonyme.txt").write_text("Verwarnungsgeld, Knolle\n",
                                                          encoding="utf-8")  # fmt: skip
    reindex(assistant, settings)
    (evidence,) = measure(assistant.searcher, assistant.directory, ["Was kostet eine Knolle?"],
                          None)  # fmt: skip
    assert evidence.agreement == 1.0  # BM25 found the document through the town's word
    assert evidence.topic_unknown == 0.0  # and the gate knows the word


def scripted(settings: Settings, synonyms: str) -> Any:
    """An assistant over the town's directory with ``synonyms`` and a scripted searcher."""
    from bot.assistant.assistant import Assistant
    from bot.directory.directory import Directory
    from bot.state.sqlite import State

    directory = Directory.load(town_directory(settings.directory_path, synonyms))
    searcher = ScriptedSearcher([(chunk("ordnungsamt/verwarnung.md", "Bezahlen",
                                        "1. Verwarnungsgeld überweisen"), 0.9)])
    return Assistant(settings, searcher, directory, State(settings.state_db),
                     today=lambda: date(2026, 8, 5))


def test_the_question_is_searched_with_the_directorys_synonyms(settings: Settings) -> None:
    assistant = scripted(settings, "Verwarnungsgeld, Knolle\n")
    ask(assistant, "Wie bezahle ich eine Knolle?")
    thesaurus = assistant.searcher.calls[-1]["thesaurus"]
    assert thesaurus is assistant.directory.thesaurus and thesaurus.alternatives(["knoll"])


def test_a_question_typed_in_lower_case_is_searched_with_the_documents_capitals(
        settings: Settings) -> None:
    """The searcher's casing (indexer.lexical.casing) recases what is searched and read; the
    answer and the knowledge gap keep what the user typed."""
    from indexer.lexical.casing import Casing

    assistant = scripted(settings, "")
    assistant.searcher.casing = Casing({"verwarnungsgeld"})  # type: ignore[attr-defined]
    reply = ask(assistant, "wie bezahle ich ein verwarnungsgeld")
    assert assistant.searcher.calls[-1]["query"] == "wie bezahle ich ein Verwarnungsgeld"
    assert reply.data["answer"]["question"] == "wie bezahle ich ein verwarnungsgeld"


def test_problems_of_the_file_reach_the_admins_gap_report(settings: Settings) -> None:
    assistant = scripted(settings, "Verwarnungsgeld, Knolle\nEinzelwort\n")
    report = ask(assistant, "lücken", ADMIN).text
    assert "synonyme.txt:2" in report and "nur ein Begriff" in report
    assert "Einzelwort" not in report  # where, not what
    assert ask(assistant, "lücken", STAFF).data["kind"] == "not_allowed"
