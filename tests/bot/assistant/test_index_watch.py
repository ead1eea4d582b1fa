"""The index watch: an idle bot follows CURRENT (a build or rollback by another process) and
reads its directory again, without a question to trigger it."""

from __future__ import annotations

import asyncio
import time
from datetime import date
from pathlib import Path

import pytest

from bot.assistant.assistant import Assistant
from bot.assistant.index_watch import watch_index
from bot.settings import Settings
from indexer.embedding import FakeEmbedder

from .conftest import write_directory

SPARE_SECONDS = 60.0  # a generous deadline, not a timing assertion: the test waits for a state


def _assistant(tmp_path: Path) -> tuple[Assistant, Settings, list[int]]:
    from bot.directory.directory import Directory
    from bot.state.sqlite import State
    from indexer.build.pipeline import build_index
    from indexer.model import DocumentMeta
    from indexer.search.searcher import Searcher

    kb = tmp_path / "kb"
    (kb / "steueramt").mkdir(parents=True)
    (kb / "steueramt" / "hund.md").write_text("# Hundesteuer\n\nHundemarke.", encoding="utf-8")
    settings = Settings(_env_file=None, kb_dir=kb, index_dir=tmp_path / "index",
                        state_db=tmp_path / "state.sqlite", model="fake",
                        directory_dir=write_directory(tmp_path / "verzeichnis"))
    build_index(settings, FakeEmbedder())
    loads: list[int] = []

    def reload() -> tuple[Directory, dict[str, DocumentMeta]]:
        loads.append(1)
        return Directory.load(settings.directory_path), {}

    assistant = Assistant(settings, Searcher(settings.index_dir, FakeEmbedder()),
                          Directory.load(settings.directory_path), State(settings.state_db),
                          today=lambda: date(2026, 8, 5), reload_directory=reload)
    return assistant, settings, loads


def _new_version(settings: Settings) -> str:
    from indexer.build.pipeline import build_index

    (settings.kb_dir / "neu.md").write_text("# Parkausweis\n\nAntrag prüfen.", encoding="utf-8")
    return build_index(settings, FakeEmbedder()).version_id


def test_an_idle_bot_switches_to_a_version_built_elsewhere(tmp_path: Path) -> None:
    assistant, settings, loads = _assistant(tmp_path)
    first = assistant.searcher.version_id

    async def scenario() -> str:
        watch = asyncio.create_task(watch_index(assistant.follow_index, 0.05))
        try:
            built = await asyncio.to_thread(_new_version, settings)  # "another replica"
            deadline = time.monotonic() + SPARE_SECONDS
            while assistant.searcher.version_id != built and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            return built
        finally:
            watch.cancel()

    built = asyncio.run(scenario())
    assert built != first
    assert assistant.searcher.version_id == built  # no question asked
    assert assistant.health()["index_version"] == built
    assert loads == [1]  # the directory was read again, once


def test_follow_index_reloads_the_directory_even_after_a_question_switched(
        tmp_path: Path) -> None:
    assistant, settings, loads = _assistant(tmp_path)
    built = _new_version(settings)
    assert assistant.searcher.refresh()  # what a question does
    assert assistant.follow_index() is True
    assert assistant.searcher.version_id == built and loads == [1]
    assert assistant.follow_index() is False and loads == [1]


def test_a_build_that_publishes_nothing_still_has_the_directory_read_again(
        tmp_path: Path) -> None:
    """Only ``_verzeichnis/`` changed: the build (here, on another replica or from the CLI)
    publishes no version but a new BUILT token; every watching replica reads its directory."""
    from indexer.build.pipeline import build_index

    assistant, settings, loads = _assistant(tmp_path)
    version = assistant.searcher.version_id
    assert assistant.follow_index() is False and loads == []  # nothing happened
    assert not build_index(settings, FakeEmbedder()).published
    assert assistant.follow_index() is False  # the same version serves ...
    assert loads == [1] and assistant.searcher.version_id == version  # ... the directory is new
    assert assistant.follow_index() is False and loads == [1]  # once


def test_the_builder_reads_the_directory_once_when_its_watch_was_first(
        tmp_path: Path) -> None:
    """The watch of the replica that ran the build may see BUILT before the build's follow-up
    runs: the follow-up then reads nothing again and reports the watch's reload."""
    from indexer.build.pipeline import build_index

    assistant, settings, loads = _assistant(tmp_path)
    assert not build_index(settings, FakeEmbedder()).published
    assert assistant.follow_index() is False and loads == [1]  # the watch, first
    summary = assistant._after_reindex()
    assert loads == [1] and summary is not None and summary.startswith("Verzeichnis: ")
    assert not build_index(settings, FakeEmbedder()).published
    assistant._after_reindex()  # no watch in between: the follow-up reads it
    assert loads == [1, 1]


def test_the_watch_survives_an_error_and_keeps_polling() -> None:
    calls: list[int] = []

    def follow() -> bool:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("share gone for a moment")
        return False

    async def scenario() -> None:
        watch = asyncio.create_task(watch_index(follow, 0.01))
        while len(calls) < 3:
            await asyncio.sleep(0.01)
        watch.cancel()
        with pytest.raises(asyncio.CancelledError):
            await watch

    asyncio.run(scenario())
    assert len(calls) >= 3


def test_a_rollback_elsewhere_is_followed_back(tmp_path: Path) -> None:
    from indexer.store import BuildLock, rollback

    assistant, settings, loads = _assistant(tmp_path)
    first = assistant.searcher.version_id
    _new_version(settings)
    assert assistant.follow_index() is True
    with BuildLock(settings.index_dir):  # `python -m indexer rollback` on another machine
        rollback(settings.index_dir)
    assert assistant.follow_index() is True
    assert assistant.searcher.version_id == first and loads == [1, 1]
