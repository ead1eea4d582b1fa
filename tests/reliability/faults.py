"""Row "faults survived": break one thing under a running bot, then check that answers keep
coming (from the last good index version) and that /healthz answers within 1 s."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp

from tests.reliability.harness import LAUNCHER, MODEL, ROOT, BotProcess, ask, child_env, probing

HEALTH_BUDGET = 1.0
PROBE = "Wer kümmert sich um die Hundesteuer und wie melde ich einen Hund ab?"


def answers_keep_coming(bot: BotProcess, questions: int = 5, within: float = 10.0,
                        person: str | None = None) -> tuple[bool, str]:
    """``questions`` answers in a row, each a real answer (not an error) within ``within`` s."""

    async def run() -> tuple[bool, str]:
        async with aiohttp.ClientSession() as http:
            for number in range(questions):
                try:
                    status, replies = await ask(http, bot.url, f"fault{number}", PROBE,
                                                timeout=within, person=person)
                except (aiohttp.ClientError, TimeoutError) as error:
                    return False, f"question {number}: {type(error).__name__}"
                kinds = [reply.get("data", {}).get("kind") for reply in replies]
                if status != 200 or kinds != ["answer"]:
                    return False, f"question {number}: HTTP {status}, {kinds}"
                who = (replies[0]["data"]["answer"].get("who") or {}).get("contact")
                if not who:  # the directory behind the answer is gone
                    return False, f"question {number}: answer names nobody responsible"
        return True, f"{questions} answered"

    return asyncio.run(run())


def survived(bot: BotProcess, fault: Callable[[], None], questions: int = 5,
             within: float = 10.0) -> tuple[bool, str]:
    """Apply ``fault``, then ask; the /healthz probe runs the whole time."""
    with probing(bot.url) as probe:
        fault()
        ok, detail = answers_keep_coming(bot, questions, within)
        time.sleep(0.3)
    healthy = probe.failures == 0 and probe.worst_ms < HEALTH_BUDGET * 1000
    return ok and healthy, f"{detail}; /healthz worst {probe.worst_ms:.0f} ms, " \
        f"{probe.failures} failed"


def health(bot: BotProcess) -> dict[str, object]:
    from tests.reliability.harness import http_get_json

    return dict(http_get_json(f"{bot.url}/healthz", HEALTH_BUDGET)[1] or {})


# --- index faults ----------------------------------------------------------------------------

def current_version(index: Path) -> str:
    return (index / "CURRENT").read_text(encoding="utf-8").strip()


@contextmanager
def damaged_version(index: Path, damage: Callable[[Path], None]) -> Iterator[None]:
    """A copy of the serving version, damaged, named by CURRENT; the good one back after."""
    good = current_version(index)
    bad = f"{good}-beschaedigt"
    shutil.copytree(index / "versions" / good, index / "versions" / bad)
    damage(index / "versions" / bad)
    (index / "CURRENT").write_text(bad + "\n", encoding="utf-8")
    try:
        yield
    finally:
        (index / "CURRENT").write_text(good + "\n", encoding="utf-8")
        shutil.rmtree(index / "versions" / bad, ignore_errors=True)


def truncate(name: str) -> Callable[[Path], None]:
    def damage(version: Path) -> None:
        path = version / name
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])
    return damage


def garbage(name: str) -> Callable[[Path], None]:
    def damage(version: Path) -> None:
        (version / name).write_bytes(b"\x00garbage\xff" * 512)
    return damage


# --- state database faults -------------------------------------------------------------------

@contextmanager
def locked_state(path: Path, seconds: float) -> Iterator[None]:
    """Another process holds the state database's write lock for ``seconds``."""
    ready = threading.Event()

    def hold() -> None:
        connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        connection.execute("BEGIN EXCLUSIVE")
        ready.set()
        time.sleep(seconds)
        connection.execute("ROLLBACK")
        connection.close()

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    ready.wait(10)
    try:
        yield
    finally:
        holder.join(seconds + 10)


# --- builds ----------------------------------------------------------------------------------

def build_killed(kb: Path, index: Path, after_line: str = '"phase": "embed"') -> str:
    """Start a build, kill -9 it once it embeds (slowed down to be caught there)."""
    process = subprocess.Popen(
        [sys.executable, "-m", LAUNCHER, "indexer", "build", "--kb", str(kb), "--index",
         str(index), "--model", MODEL, "--progress-json"], cwd=ROOT,
        env=child_env(RELIABILITY_EMBED_DELAY="0.2"), stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    seen = ""
    for raw in process.stdout:
        seen = raw.decode("utf-8", "replace")
        if after_line in seen:
            break
    process.kill()
    process.wait()
    return seen.strip()[:120]
