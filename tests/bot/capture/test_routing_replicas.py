"""Routed questions with two replicas on one state (issues 12 and 15), on SQLite and on
PostgreSQL: a waiting question reaches its holder once when his first message lands on one
replica while the other sweeps; a question comes back once after an absence when two
replicas' briefing passes (no replica lock) return it at the same moment, or one returns it
while the other sweeps; a question claimed by a replica that died is sent after the claim
went stale.

The notifier makes two sends overlap without timing: a routed question's send waits until a
second send of it arrives or one of the racing passes has finished (the pass that lost the
claim). Without the claim in the database both passes read the row before either writes."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.capture.routing_sweep import sweep, sweep_once
from bot.settings import Settings
from bot.state.locks import replica_lock
from bot.state.routing import CLAIM_STALE
from bot.turns import Reply
from tests.bot.capture.conftest import PAULA, UWE, RecordingNotifier, a_say, make_assistant, press
from tests.bot.state.conftest import run_sql

QUESTION = "Wer stellt die Ersatzmarke aus?"
SAFETY_SECONDS = 60  # only against a hang; the race is settled by events, not by time


@pytest.fixture(params=["sqlite", "postgresql"])
def replica_settings(request: pytest.FixtureRequest, capture_settings: Settings) -> Settings:
    if request.param == "sqlite":
        return capture_settings
    url = request.getfixturevalue("postgres_database")
    return capture_settings.model_copy(update={"state_url": url})


@pytest.fixture
def replicas(replica_settings: Settings) -> Iterator[Callable[[], tuple[Any, Any]]]:
    """Starts bot replicas (assistants with their own state connection) on one state."""
    started: list[Any] = []

    def start() -> tuple[Any, Any]:
        assistant, notifier = make_assistant(replica_settings)
        started.append(assistant)
        return assistant, notifier

    yield start
    for assistant in started:
        assistant.state.close()


class Race:
    """Two passes on two replicas; the routed question's sends of both are recorded."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []  # (user key, title line)
        self.settled = asyncio.Event()

    def notifier(self) -> Any:
        race = self

        class Overlapping(RecordingNotifier):
            async def notify_user(self, user_key: str, replies: list[Reply]) -> bool:
                if any(r.data.get("kind") == "routed_question" for r in replies):
                    race.sent.append((user_key, replies[0].text.split("\n")[0]))
                    if len(race.sent) >= 2:
                        race.settled.set()
                    try:  # held open until the other pass sent too or has finished
                        await asyncio.wait_for(race.settled.wait(), SAFETY_SECONDS)
                    except TimeoutError:
                        pass
                return await super().notify_user(user_key, replies)

        return Overlapping()

    async def run(self, pass_: Awaitable[Any]) -> Any:
        try:
            return await pass_
        finally:
            self.settled.set()


def _thread_safe_signal(method: Callable[..., Any], event: asyncio.Event) -> Callable[..., Any]:
    """``method`` that sets ``event`` of the running loop once it returned (from any thread)."""
    loop = asyncio.get_running_loop()

    def signalling(*args: Any) -> Any:
        result = method(*args)
        loop.call_soon_threadsafe(event.set)
        return result

    return signalling


def test_two_replicas_deliver_a_waiting_question_once(
        replicas: Callable[[], tuple[Any, Any]], replica_settings: Settings) -> None:
    a, _ = replicas()  # replica A: its periodic sweep
    b, _ = replicas()  # replica B: Uwe's first message lands here
    press(a, PAULA, {"action": "frage_weiterleiten", "question": QUESTION,
                     "department": "Steueramt"})  # Uwe never wrote: kept open
    race = Race()

    async def scenario() -> None:
        a.set_notifier(race.notifier())
        b.set_notifier(race.notifier())
        linked = asyncio.Event()
        b.state.link_person = _thread_safe_signal(b.state.link_person, linked)

        async def sweep_on_a() -> None:
            await linked.wait()  # A's sweep runs while Uwe's first message is handled on B
            await sweep_once(a.routing, replica_lock(replica_settings, "routing-sweep:x"))

        await asyncio.gather(race.run(a_say(b, UWE, "hallo")), race.run(sweep_on_a()))

    asyncio.run(scenario())
    assert [key for key, _ in race.sent] == [UWE.key], race.sent
    [row] = a.state.routed_questions("open")
    assert row.delivered and row.assignee == "ukeller"


def _moved_to_tom_while_uwe_was_away(a: Any) -> str:
    routed: str = a.state.add_routed(QUESTION, PAULA.key, None, None, "Steueramt", "tkoch")
    a.state.remember_return(routed, "ukeller")
    a.state.link_person("ukeller", UWE.key)  # he wrote before
    assert a.directory.absence_on("ukeller", a.today()) is None  # Uwe is back today
    return routed


def test_two_replicas_return_a_question_once(replicas: Callable[[], tuple[Any, Any]]) -> None:
    """Every replica's briefing pass returns questions (no replica lock): both read the row
    before either moves it back; it moves, and arrives, once."""
    a, notes_a = replicas()
    b, notes_b = replicas()
    routed = _moved_to_tom_while_uwe_was_away(a)
    meet = threading.Barrier(2, timeout=SAFETY_SECONDS)

    for replica in (a, b):
        read, first = replica.state.routed, [True]

        def routed_then_meet(routed_id: str, read: Any = read, first: list[bool] = first
                             ) -> Any:
            row = read(routed_id)
            if first:  # each pass's first read of the row: both read before either writes
                first.clear()
                try:
                    meet.wait()
                except threading.BrokenBarrierError:
                    pass
            return row

        replica.state.routed = routed_then_meet

    async def both() -> list[int]:
        return list(await asyncio.gather(a.briefing.return_questions(a.today()),
                                         b.briefing.return_questions(b.today())))

    assert sorted(asyncio.run(both())) == [0, 1]
    back = [r for n in (notes_a, notes_b) for r in n.for_user(UWE.key)
            if r.data.get("kind") == "routed_question"]
    assert len(back) == 1, f"the question came back to Uwe {len(back)} times"
    assert "Zurück bei Ihnen" in back[0].text
    row = a.state.routed(routed)
    assert row is not None and row.assignee == "ukeller" and row.delivered


def test_a_question_returned_on_one_replica_is_not_sent_again_by_the_others_sweep(
        replicas: Callable[[], tuple[Any, Any]], replica_settings: Settings) -> None:
    """Replica B moves the question back to Uwe (waiting to be sent); replica A's sweep reads
    it right then: the return's send is claimed like any first delivery."""
    a, _ = replicas()
    b, _ = replicas()
    routed = _moved_to_tom_while_uwe_was_away(a)
    race = Race()

    async def scenario() -> None:
        a.set_notifier(race.notifier())
        b.set_notifier(race.notifier())
        moved = asyncio.Event()
        b.state.reassign_routed = _thread_safe_signal(b.state.reassign_routed, moved)

        async def sweep_on_a() -> None:
            await moved.wait()
            await sweep_once(a.routing, replica_lock(replica_settings, "routing-sweep:x"))

        await asyncio.gather(race.run(b.briefing.return_questions(b.today())),
                             race.run(sweep_on_a()))

    asyncio.run(scenario())
    assert [key for key, _ in race.sent] == [UWE.key], race.sent
    row = a.state.routed(routed)
    assert row is not None and row.assignee == "ukeller" and row.delivered


def test_a_question_claimed_by_a_replica_that_died_is_sent_after_the_claim_went_stale(
        replicas: Callable[[], tuple[Any, Any]]) -> None:
    dead, _ = replicas()
    alive, notifier = replicas()
    press(alive, PAULA, {"action": "frage_weiterleiten", "question": QUESTION,
                         "department": "Steueramt"})  # Uwe never wrote: kept open
    [row] = alive.state.routed_questions("open")
    alive.state.link_person("ukeller", UWE.key)  # he wrote to the replica that died ...
    assert dead.state.claim_delivery(row.id, "ukeller")  # ... which died while sending
    assert asyncio.run(sweep(alive.routing))["delivered"] == 0  # it may still be sending
    assert notifier.for_user(UWE.key) == []
    stale = datetime.now(UTC) - CLAIM_STALE - timedelta(minutes=1)
    run_sql(alive.state, "UPDATE routed_questions SET updated_at = ? WHERE id = ?",
            (stale.isoformat(timespec="seconds"), row.id))
    assert asyncio.run(sweep(alive.routing))["delivered"] == 1
    arrived = [r for r in notifier.for_user(UWE.key) if r.data.get("kind") == "routed_question"]
    assert len(arrived) == 1 and QUESTION in arrived[0].text
    assert asyncio.run(sweep(alive.routing))["delivered"] == 0  # once
