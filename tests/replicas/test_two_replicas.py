"""Two real bot processes (``python -m bot serve --local``) on one index folder and one state
database: what one replica stores the other one answers with, a reindex runs once across
both, both follow a new version by themselves, and ``kill -9`` of one loses nothing.

The FakeEmbedder serves (meaning does not matter here: the directory decides who is
responsible). A reindex "running" is held with the test hook ``RELIABILITY_EMBED_GATE``
(``tests/reliability/fake_model.py``): replica 2's build child waits, holding the index's
lock, until the test creates the gate file.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from bot.texts import assistant as texts
from tests.reliability.conftest import private_dir
from tests.reliability.harness import BotProcess, build_index, copy_sample_kb, http_get_json

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ADMIN = "fbeck"  # group "admins" in the sample directory
DEPUTY = "tkoch"  # stands in for the Hundesteuer today (its holder is away until 2030)
QUESTION = "Wer kümmert sich um die Hundesteuer?"
WAIT_SECONDS = 120.0  # deadlines for states to arrive, not timing assertions
FIGURES = Path(os.environ.get("REPLICA_FIGURES", "")) if os.environ.get("REPLICA_FIGURES") \
    else None  # a JSONL file the measured seconds are appended to (optional)

NEW_DOCUMENT = """---
titel: Bewohnerparkausweis
---
# Bewohnerparkausweis ausstellen

## Ablauf
1. Antrag mit Fahrzeugschein und Meldebescheinigung prüfen.
2. Gebühr kassieren und den Parkausweis drucken.
"""


@pytest.fixture(params=["postgresql", "sqlite"])
def state_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """One state for both replicas: a PostgreSQL database (the provider's setup), or one
    SQLite file (two processes on one machine)."""
    if request.param == "postgresql":  # a fresh database of the session's cluster
        return {"WISSENSLOTSE_STATE_URL": request.getfixturevalue("postgres_database")}
    return {"WISSENSLOTSE_STATE_DB": str(tmp_path / "state.sqlite")}


@pytest.fixture
def town() -> Iterator[tuple[Path, Path, Path]]:
    for root in private_dir("replicas"):
        kb = copy_sample_kb(root / "kb")
        build_index(kb, root / "index")
        yield root, kb, root / "index"


def _replica(root: Path, kb: Path, index: Path, name: str, env: dict[str, str]) -> BotProcess:
    env = {"WISSENSLOTSE_ADMINS": json.dumps([ADMIN]), **env}
    # BotProcess always sets WISSENSLOTSE_STATE_DB; with PostgreSQL the file stays unused
    return BotProcess(kb, index, root / f"{name}.sqlite", root / f"{name}.log", env=env)


def _days(first: date, last: date) -> str:
    return f"{first:%d.%m.%Y}-{last:%d.%m.%Y}"


async def _say(http: aiohttp.ClientSession, bot: BotProcess, person: str | None,
               text: str, value: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    body: dict[str, Any] = {"session": f"s-{person or 'gast'}", "text": text}
    if value is not None:
        body["value"] = value
    if person:
        body["person"] = person
    async with http.post(f"{bot.url}/api/chat", json=body,
                         timeout=aiohttp.ClientTimeout(total=60)) as response:
        assert response.status == 200, await response.text()
        return list((await response.json())["replies"])


def _responsible(replies: list[dict[str, Any]]) -> str:
    """The first name under "Zuständig heute:" of an answer."""
    lines = replies[0]["text"].splitlines()
    return lines[lines.index("Zuständig heute:") + 1]


def _version(bot: BotProcess) -> str | None:
    status, body = http_get_json(f"{bot.url}/healthz", 5.0)
    return body.get("index_version") if status == 200 and body else None


def _wait_for(check: Any, what: str) -> float:
    """Seconds until ``check()`` is true (polled every 50 ms); fails after WAIT_SECONDS."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > WAIT_SECONDS:
            pytest.fail(f"not within {WAIT_SECONDS:.0f} s: {what}")
        time.sleep(0.05)
    return time.monotonic() - started


def test_two_replicas_share_state_reindex_and_survive_kill_9(
        town: tuple[Path, Path, Path], state_env: dict[str, str]) -> None:
    root, kb, index = town
    gate = root / "build-gate"
    one = _replica(root, kb, index, "one", state_env).start()
    two = _replica(root, kb, index, "two", {**state_env, "RELIABILITY_EMBED_GATE": str(gate)})
    two.start()
    today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    backend = "postgresql" if "WISSENSLOTSE_STATE_URL" in state_env else "sqlite"
    figures: dict[str, Any] = {"backend": backend}
    try:
        asyncio.run(_absence_on_one_changes_the_answer_of_two(one, two, today))
        figures.update(_reindex_runs_once_and_both_switch(one, two, kb, index, gate))
        figures["restart_seconds"] = _kill_9_loses_nothing(one, two, today)
    finally:
        gate.touch()  # never leave a build child waiting
        one.stop()
        two.stop()
    print(f"\nreplica figures: {figures}")
    if FIGURES is not None:
        with FIGURES.open("a", encoding="utf-8") as out:
            out.write(json.dumps(figures) + "\n")


async def _absence_on_one_changes_the_answer_of_two(one: BotProcess, two: BotProcess,
                                                    today: date) -> None:
    async with aiohttp.ClientSession() as http:
        assert _responsible(await _say(http, two, None, QUESTION)) == "Tobias Koch"
        said = await _say(http, one, DEPUTY, f"abwesend {_days(today, today + timedelta(10))}")
        assert said[0]["text"].startswith("Eingetragen"), said
        after = await _say(http, two, None, QUESTION)
        assert _responsible(after) != "Tobias Koch"
        assert "Tobias Koch ist bis" in after[0]["text"]
        # the 👍 under replica 2's answer, pressed when the next request reaches replica 1
        vote = {"action": "feedback", "answer_id": after[0]["data"]["answer"]["answer_id"],
                "vote": "up"}
        thanks = await _say(http, one, None, "", vote)
        assert thanks[0]["text"] == texts.FEEDBACK_THANKS_UP, thanks


def _reindex_runs_once_and_both_switch(one: BotProcess, two: BotProcess, kb: Path,
                                       index: Path, gate: Path) -> dict[str, float]:
    old = _version(one)
    assert old is not None and _version(two) == old
    (kb / "ordnungsamt").mkdir(exist_ok=True)
    (kb / "ordnungsamt" / "parkausweis.md").write_text(NEW_DOCUMENT, encoding="utf-8")

    async def ask_both() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        async with aiohttp.ClientSession() as http:
            started = await _say(http, two, ADMIN, "neu indexieren")
            await asyncio.to_thread(_wait_for, Path(str(gate) + ".reached").exists,
                                    "replica 2's build reached its embedding step")
            refused = await _say(http, one, ADMIN, "neu indexieren")
            return started, refused

    started, refused = asyncio.run(ask_both())
    assert started[0]["text"] == texts.REINDEX_STARTED
    assert refused[0]["text"] == texts.REINDEX_ELSEWHERE  # refused while replica 2 builds
    assert _version(one) == old and _version(two) == old  # both still serve the old one
    gate.touch()
    _wait_for(lambda: (index / "CURRENT").read_text().strip() != old, "the build published")
    swapped = time.monotonic()  # from here each replica's lag (replica 1 is idle: its watch)
    new = (index / "CURRENT").read_text().strip()
    _wait_for(lambda: _version(two) == new, "replica 2 (the builder) serves the new version")
    builder = time.monotonic() - swapped
    _wait_for(lambda: _version(one) == new, "replica 1 (idle) serves the new version")
    switch = time.monotonic() - swapped
    # the summary of replica 2's build waits for the admin's page, whichever replica it polls
    seen: list[str] = []

    def summary_arrived() -> bool:
        status, inbox = http_get_json(f"{one.url}/api/chat/inbox?session=s-{ADMIN}", 5.0)
        assert status == 200
        seen.extend(r["text"] for r in inbox["replies"])
        return any(text.startswith("Neuindexierung fertig") for text in seen)

    _wait_for(summary_arrived, "the build's summary in the web chat inbox of replica 1")
    return {"idle_replica_seconds": round(switch, 2), "builder_seconds": round(builder, 2)}


def _kill_9_loses_nothing(one: BotProcess, two: BotProcess, today: date) -> float:
    async def back_on_one() -> None:
        async with aiohttp.ClientSession() as http:
            said = await _say(http, one, DEPUTY, "zurück")
            assert said[0]["text"] != texts.ERROR_GENERIC, said

    asyncio.run(back_on_one())
    assert one.process is not None
    one.process.send_signal(signal.SIGKILL)  # right after its acknowledged write
    one.process.wait(30)

    async def two_answers() -> str:
        async with aiohttp.ClientSession() as http:
            return _responsible(await _say(http, two, None, QUESTION))

    assert asyncio.run(two_answers()) == "Tobias Koch"  # what replica 1 stored survived
    new = _version(two)
    started = time.monotonic()
    one.start()
    restart = time.monotonic() - started
    assert _version(one) == new
    assert asyncio.run(_ask(one)) == "Tobias Koch"
    return round(restart, 2)


async def _ask(bot: BotProcess) -> str:
    async with aiohttp.ClientSession() as http:
        return _responsible(await _say(http, bot, None, QUESTION))
