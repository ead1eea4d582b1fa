"""The nightly purge: started with the app, runs at start-up, then at night."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp

from bot.app import create_app
from bot.settings import Settings
from bot.state import SqlState
from bot.state.retention import seconds_until_next
from tests.bot.channel.conftest import FakeAssistant, serve
from tests.bot.state.conftest import run_sql

BERLIN = ZoneInfo("Europe/Berlin")


def _old_and_new(state: SqlState) -> None:
    state.record_unanswered("alt", "aad-1")
    state.record_unanswered("neu", "aad-1")
    run_sql(state, "UPDATE unanswered SET created_at = '2020-01-01T00:00:00+00:00' "
            "WHERE question = 'alt'")


def test_the_app_purges_at_start(state_source: str, store: SqlState, tmp_path: Path) -> None:
    _old_and_new(store)
    on_postgres = state_source.startswith("postgresql://")
    settings = Settings(kb_dir=tmp_path / "kb", index_dir=tmp_path / "index",
                        state_db=tmp_path / "other.sqlite" if on_postgres else Path(state_source),
                        state_url=state_source if on_postgres else "",
                        retention_days=30, _env_file=None)

    async def run() -> int:
        async with serve(create_app(settings, FakeAssistant())) as url:
            async with aiohttp.ClientSession() as session:
                async with session.get(f"{url}/healthz") as response:
                    status = response.status
            for _ in range(100):  # the purge runs in a thread beside the app
                if len(store.unanswered()) == 1:
                    break
                await asyncio.sleep(0.05)
        return status

    assert asyncio.run(run()) == 200
    assert store.unanswered() == [("neu", 1)]
    assert not (tmp_path / "other.sqlite").exists()  # PostgreSQL chosen: no file beside it


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
