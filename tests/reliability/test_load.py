"""Load held (short): 20 and 50 concurrent web chats against a real bot process while another
index builds in a child. Errors must be 0 and open files flat; times are reported, not
asserted (a shared 2-core machine), except that /healthz never stops answering."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.reliability.conftest import record
from tests.reliability.harness import MODEL, SAMPLE_KB, BotProcess
from tests.reliability.load import run_flood, run_load

pytestmark = [pytest.mark.integration, pytest.mark.slow]
SECONDS = float(os.environ.get("RELIABILITY_LOAD_SECONDS", "5"))  # bench/reliability.py: 60


@pytest.mark.parametrize("users", [20, 50])
def test_concurrent_chats_with_a_reindex_running(
        running_bot: BotProcess, tmp_path: Path, users: int) -> None:
    result = run_load(running_bot, users, seconds=SECONDS,
                      reindex=(SAMPLE_KB, tmp_path / "other-index", MODEL))
    row = result.row()
    record(f"load {users}", row)
    assert result.errors == 0 and row["probe_failures"] == 0
    assert len(result.latencies) >= users  # every chat got answers
    files_before, files_after = (int(n) for n in str(row["open_files"]).split("→"))
    assert files_after <= files_before + users // 4, row  # sockets of the chats at most


def test_a_flood_from_one_sender_is_throttled_politely(
        indexed_kb: tuple[Path, Path], tmp_path: Path) -> None:
    """40 messages at once from one web chat session (the default limits: 20 a minute, 3 at
    once) while a colleague asks: the flood gets the polite refusal, the colleague answers."""
    kb, index = indexed_kb
    env = {"WISSENSLOTSE_RATE_LIMIT_PER_MINUTE": "20"}
    with BotProcess(kb, index, tmp_path / "state.sqlite", tmp_path / "bot.log", env=env) as bot:
        figures = run_flood(bot, messages=40)
    record("load flood from one sender", figures)
    assert figures["errors"] == 0 and figures["probe_failures"] == 0
    assert figures["refused_politely"] >= 40 - 20  # at most the minute's 20 get through
    assert figures["colleague_answered"]
