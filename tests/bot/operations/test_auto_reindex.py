"""The automatic reindex: real files in a temporary folder, the schedule's arithmetic and the
setting's validation (the live row in test_live_ops.py drives it through a real bot)."""

from __future__ import annotations

import asyncio
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.operations.auto_reindex import seconds_until, tree_fingerprint, watch_files
from bot.settings import Settings

BERLIN = ZoneInfo("Europe/Berlin")


def test_fingerprint_changes_with_content_size_time_and_names_but_not_hidden_files(
        tmp_path: Path) -> None:
    (tmp_path / "amt").mkdir()
    document = tmp_path / "amt" / "a.md"
    document.write_text("eins", encoding="utf-8")
    first = tree_fingerprint([tmp_path])
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "index").write_text("x", encoding="utf-8")
    assert tree_fingerprint([tmp_path]) == first
    os.utime(document, ns=(1, 1_000_000_000))
    touched = tree_fingerprint([tmp_path])
    assert touched != first
    document.rename(tmp_path / "amt" / "b.md")
    assert tree_fingerprint([tmp_path]) != touched


def test_a_burst_of_changes_gives_one_build_after_it_is_quiet(tmp_path: Path) -> None:
    document = tmp_path / "a.md"
    document.write_text("0", encoding="utf-8")
    requests: list[int] = []
    during_burst: list[int] = []

    async def run() -> None:
        watcher = asyncio.create_task(watch_files(
            [tmp_path], lambda: requests.append(1), poll_seconds=0.02, quiet_seconds=2.0))
        await asyncio.sleep(0.2)
        for number in range(30):  # a folder copied in over 1.5 s
            document.write_text(str(number) * (number + 1), encoding="utf-8")
            await asyncio.sleep(0.05)
        during_burst.append(len(requests))
        for _ in range(600):  # up to 30 s on a busy machine
            if requests:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)  # a second request would come right after the first
        watcher.cancel()

    asyncio.run(run())
    assert during_burst == [0]
    assert requests == [1]


def test_no_change_no_build(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("x", encoding="utf-8")
    requests: list[int] = []

    async def run() -> None:
        watcher = asyncio.create_task(watch_files(
            [tmp_path], lambda: requests.append(1), poll_seconds=0.01, quiet_seconds=0))
        await asyncio.sleep(0.5)
        watcher.cancel()

    asyncio.run(run())
    assert requests == []


def test_daily_schedule_waits_until_the_next_local_time() -> None:
    morning = datetime(2026, 3, 10, 2, 30, tzinfo=BERLIN)
    assert seconds_until("03:00", BERLIN, morning) == 30 * 60
    evening = datetime(2026, 3, 10, 22, 0, tzinfo=BERLIN)
    assert seconds_until("03:00", BERLIN, evening) == 5 * 3600
    # the night the clocks go forward (29 March 2026): 02:00 -> 03:00 lasts no time
    before_switch = datetime(2026, 3, 28, 23, 0, tzinfo=BERLIN)
    assert seconds_until("04:00", BERLIN, before_switch) == 4 * 3600


@pytest.mark.parametrize("value", ["daily@24:00", "daily@3:00", "hourly", "watch ", ""])
def test_a_bad_schedule_is_refused_at_start(value: str, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="auto_reindex"):
        Settings(_env_file=None, auto_reindex=value)


@pytest.mark.parametrize("value", ["off", "watch", "daily@03:00", "daily@23:59"])
def test_good_schedules_are_taken(value: str) -> None:
    assert Settings(_env_file=None, auto_reindex=value).auto_reindex == value
