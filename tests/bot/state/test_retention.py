"""The nightly purge: started with the app, runs at start-up, then at night."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp

from bot.app import create_app
from bot.settings import Settings
from bot.state import State
from bot.state.retention import seconds_until_next
from tests.bot.channel.conftest import FakeAssistant, serve

BERLIN = ZoneInfo("Europe/Berlin")


def _old_and_new(path: Path) -> None:
    state = State(path)
    state.record_unanswered("alt", "aad-1")
    state.record_unanswered("neu", "aad-1")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE unanswered SET created_at = '2020-01-01T00:00:00+00:00' "
                           "WHERE question = 'alt'")


def test_the_app_purges_at_start(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    _old_and_new(path)
    settings = Settings(kb_dir=tmp_path / "kb", index_dir=tmp_path / "index", state_db=path,
                        retention_days=30, _env_file=None)

    async def run() -> int:
        async with serve(create_app(settings, FakeAssistant())) as url:
            async with aiohttp.ClientSession() as session:
                async with session.get(f"{url}/healthz") as response:
                    status = response.status
            for _ in range(100):  # the purge runs in a thread beside the app
                if len(State(path).unanswered()) == 1:
                    break
                await asyncio.sleep(0.05)
        return status

    assert asyncio.run(run()) == 200
    assert State(path).unanswered() == [("neu", 1)]


def test_the_app_creates_no_state_file_to_purge(tmp_path: Path) -> None:
    settings = Settings(state_db=tmp_path / "none.sqlite", _env_file=None)

    async def run() -> None:
        async with serve(create_app(settings, FakeAssistant())):
            await asyncio.sleep(0.2)

    asyncio.run(run())
    assert not (tmp_path / "none.sqlite").exists()


def test_next_purge_is_at_three_at_night_local_time() -> None:
    evening = datetime(2026, 12, 2, 22, 30, tzinfo=BERLIN)
    assert seconds_until_next(evening) == 4.5 * 3600
    early = datetime(2026, 12, 2, 2, 0, tzinfo=BERLIN)
    assert seconds_until_next(early) == 3600
    # the night the clocks go back (25 October 2026) is an hour longer
    before_switch = datetime(2026, 10, 24, 3, 0, tzinfo=BERLIN)
    assert seconds_until_next(before_switch) == 25 * 3600
