"""Faults survived (short): one real bot process on its own copy of the index; each fault is
applied while /healthz is probed every 100 ms. Pass: answers keep coming from the last good
version and /healthz answers within 1 s."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.reliability import faults
from tests.reliability.conftest import record
from tests.reliability.harness import BotProcess, ask, build_index

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def bot(indexed_kb: tuple[Path, Path], bot_dir: Path) -> Iterator[BotProcess]:
    kb, index = indexed_kb
    root = bot_dir
    shutil.copytree(kb, root / "kb")
    shutil.copytree(index, root / "index")
    # the admin by chat key: stays admin even when a broken personen.csv empties the directory
    env = {"RELIABILITY_REINDEX_MODE_FILE": str(root / "reindex-mode"),
           "WISSENSLOTSE_ADMINS": '["web:admin"]'}
    with BotProcess(root / "kb", root / "index", root / "state.sqlite", root / "bot.log",
                    env=env) as bot:
        yield bot


def _check(name: str, bot: BotProcess, fault: object = None, **kwargs: float) -> None:
    ok, detail = faults.survived(bot, fault or (lambda: None), **kwargs)  # type: ignore[arg-type]
    record(f"fault {name}", {"survived": ok, "detail": detail})
    assert ok, detail


DAMAGES = {
    "truncated FAISS": faults.truncate("dense.faiss"),
    "garbage FAISS": faults.garbage("dense.faiss"),
    "truncated SQLite": faults.truncate("chunks.sqlite"),
    "garbage SQLite": faults.garbage("chunks.sqlite"),
    "truncated manifest": faults.truncate("manifest.json"),
    "garbage manifest": faults.garbage("manifest.json"),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_damaged_current_version(bot: BotProcess, damage: str) -> None:
    with faults.damaged_version(bot.index, DAMAGES[damage]):
        _check(damage, bot)


def test_state_locked_past_the_busy_timeout(bot: BotProcess) -> None:
    # held 9.5 s, longer than an answer may take (8 s): an answer that waits for the
    # lock to go away fails; one that gives up its write in time comes
    with faults.locked_state(bot.state, seconds=9.5):
        _check("state DB locked", bot, questions=1, within=8.0)


def test_kill_9_during_a_build(bot: BotProcess, tmp_path: Path) -> None:
    before = faults.current_version(bot.index)
    kb = tmp_path / "kb"
    shutil.copytree(bot.kb, kb)
    (kb / "neu.md").write_text("# Neu\n\n" + "\n\n".join(
        f"Absatz {n} über die Hundesteuer und den Hund {n}." for n in range(300)),
        encoding="utf-8")
    seen = faults.build_killed(kb, bot.index)
    assert '"embed"' in seen, seen  # killed while it embedded
    _check("kill -9 during a build", bot)
    assert faults.current_version(bot.index) == before
    build_index(kb, bot.index)  # the next build is not stuck on the dead one's lock
    assert faults.current_version(bot.index) != before
    _check("build after kill -9", bot)


def _start_reindex_as_admin(bot: BotProcess) -> bool:
    async def run() -> bool:
        async with aiohttp.ClientSession() as http:
            _, replies = await ask(http, bot.url, "admin", "neu indexieren", person="fbeck")
            return bool(replies and replies[0].get("data", {}).get("started"))

    return asyncio.run(run())


def _reindex_as_admin(bot: BotProcess) -> str:
    """ "neu indexieren" in the web chat as an admin of the sample; the summary's text."""

    async def run() -> str:
        async with aiohttp.ClientSession() as http:
            status, replies = await ask(http, bot.url, "admin", "neu indexieren", person="fbeck")
            assert status == 200 and replies, replies
            if not replies[0].get("data", {}).get("started"):
                return "not started: " + str(replies[0].get("text"))
        return await _summary(bot)

    return asyncio.run(run())


def _await_summary(bot: BotProcess) -> str:
    return asyncio.run(_summary(bot))


async def _summary(bot: BotProcess) -> str:
    """The admin's reindex summary from the web chat's inbox (polled up to 2 minutes)."""
    async with aiohttp.ClientSession() as http:
        for _ in range(600):
            async with http.get(f"{bot.url}/api/chat/inbox",
                                params={"session": "admin"}) as response:
                for reply in (await response.json())["replies"]:
                    if reply.get("data", {}).get("reindex") in ("done", "failed"):
                        return str(reply["text"])
            await asyncio.sleep(0.2)
    return "no summary"


# A personen.csv broken during a reload once replaced the directory with an empty one (answers
# named nobody, admins lost their rights); the previous directory now keeps serving.
@pytest.mark.parametrize("file", ["personen.csv", "abwesenheiten.ics"])
def test_directory_file_broken_during_a_reload(bot: BotProcess, file: str) -> None:
    path = bot.kb / "_verzeichnis" / file
    good = path.read_bytes() if path.exists() else None
    path.write_bytes(b"\xff\xfe\x00garbage;;;\n" * 50)
    try:
        summary = _reindex_as_admin(bot)
        record(f"fault {file} broken", {"reindex": summary[:300]})
        assert "fertig" in summary, summary
        _check(f"{file} broken during reload", bot)
    finally:
        if good is None:
            path.unlink()
        else:
            path.write_bytes(good)
        assert "fertig" in _reindex_as_admin(bot)  # the good directory back for later rows


def test_disk_full(indexed_kb: tuple[Path, Path], tmp_path: Path) -> None:
    """No file of the bot may grow any more (RLIMIT_FSIZE set on the running process)."""
    kb, index = indexed_kb
    with BotProcess(kb, index, tmp_path / "state.sqlite", tmp_path / "bot.log") as full:
        _check("disk full", full, fault=full.fill_disk, questions=10)


@pytest.mark.parametrize("mode", ["crash", "flood"])
def test_reindex_child_misbehaves(bot: BotProcess, mode: str) -> None:
    (bot.kb.parent / "reindex-mode").write_text(mode, encoding="utf-8")
    try:
        summary = _reindex_as_admin(bot)
        record(f"fault reindex child {mode}", {"summary": summary[:120]})
        _check(f"reindex child {mode}", bot)
        expected = "fehlgeschlagen" if mode == "crash" else "fertig"
        assert expected in summary, summary  # 100 KB of output is no failure
    finally:
        (bot.kb.parent / "reindex-mode").unlink()


HANG_LIMIT_MINUTES = 0.1  # 6 s: answers are checked while it hangs, then it must be stopped


def test_reindex_child_hangs_past_its_time_limit(indexed_kb: tuple[Path, Path],
                                                 tmp_path: Path) -> None:
    """A bot of its own with a short time limit: the hung child is stopped (its process
    group killed), the admin is told in German, and the next reindex is not refused as busy."""
    kb, index = indexed_kb
    shutil.copytree(kb, tmp_path / "kb")
    shutil.copytree(index, tmp_path / "index")
    mode = tmp_path / "reindex-mode"
    mode.write_text("hang", encoding="utf-8")
    env = {"RELIABILITY_REINDEX_MODE_FILE": str(mode), "WISSENSLOTSE_ADMINS": '["web:admin"]',
           "WISSENSLOTSE_REINDEX_TIMEOUT_MINUTES": str(HANG_LIMIT_MINUTES)}
    with BotProcess(tmp_path / "kb", tmp_path / "index", tmp_path / "state.sqlite",
                    tmp_path / "bot.log", env=env) as bot:
        assert _start_reindex_as_admin(bot), "reindex did not start"
        _check("reindex child hangs", bot)
        summary = _await_summary(bot)
        child = int(Path(f"{mode}.pid").read_text(encoding="ascii"))
        running = faults.health(bot).get("reindex_running")
        record("fault reindex hangs past its time limit",
               {"summary": summary[:150], "reindex_running_after": running,
                "child_stopped": _stopped(child)})
        assert "abgebrochen" in summary and not running and _stopped(child), summary
        mode.write_text("real", encoding="utf-8")
        assert "fertig" in _reindex_as_admin(bot)  # not refused as busy


def _stopped(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True
