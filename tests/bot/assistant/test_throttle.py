"""Per-sender limits: a flood from one sender is refused politely, others are not affected,
and the tables stay bounded however many sender ids arrive."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bot.assistant import Assistant
from bot.assistant.throttle import SenderThrottle
from bot.texts import assistant as texts
from bot.turns import Turn, UserRef


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_refills_over_time_and_is_per_sender() -> None:
    clock = Clock()
    throttle = SenderThrottle(per_minute=3, max_pending=10, clock=clock)
    admitted = [throttle.admit("a") for _ in range(5)]
    for _ in range(3):
        throttle.done("a")
    assert admitted == [True, True, True, False, False]
    assert throttle.admit("b")  # another sender is not affected
    clock.now += 20  # one token back (3 a minute)
    assert throttle.admit("a") and not throttle.admit("a")


def test_pending_limit_and_bounded_tables() -> None:
    throttle = SenderThrottle(per_minute=100, max_pending=2, capacity=50)
    assert throttle.admit("a") and throttle.admit("a") and not throttle.admit("a")
    throttle.done("a")
    assert throttle.admit("a")
    for number in range(10_000):
        throttle.admit(f"flood-{number}")
        throttle.done(f"flood-{number}")
    assert len(throttle._buckets) <= 50 and set(throttle._pending) == {"a"}


def test_a_flood_from_one_sender_gets_a_polite_refusal(assistant: Assistant) -> None:
    flooder, colleague = UserRef("aad-flood"), UserRef("aad-tkoch")

    async def scenario() -> tuple[list[str], list[str]]:
        flood = [await assistant.handle(Turn("hilfe", flooder, "c1")) for _ in range(25)]
        other = [await assistant.handle(Turn("hilfe", colleague, "c2")) for _ in range(3)]
        return ([r[0].data["kind"] for r in flood], [r[0].data["kind"] for r in other])

    flood, other = asyncio.run(scenario())
    assert flood.count("help") == 20 and flood.count("rate_limited") == 5
    assert other == ["help"] * 3


def test_one_sender_cannot_queue_more_than_a_few_turns(assistant: Assistant) -> None:
    searcher: Any = assistant.searcher
    real = searcher.search

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.3)
        return real(*args, **kwargs)

    searcher.search = slow
    user = UserRef("aad-queue")

    async def scenario() -> list[str]:
        turns = [assistant.handle(Turn("Hundesteuer Abmeldung", user, "c")) for _ in range(5)]
        return [replies[0].data["kind"] for replies in await asyncio.gather(*turns)]

    kinds = asyncio.run(scenario())
    assert kinds.count("rate_limited") == 2 and len(kinds) == 5
    assert texts.RATE_LIMITED.startswith("Sie haben mir gerade sehr viele Nachrichten")


def test_two_replicas_share_a_senders_budget(
    settings: Any, directory: Any, hund_chunks: Any, postgres_database: str,
) -> None:
    """Two bot processes on one PostgreSQL: a flood split between them gets one budget, not
    one per replica (each replica's own bucket alone would admit 20 here)."""
    from bot.state import open_state
    from tests.bot.assistant.conftest import FIXED_DAY, ScriptedSearcher

    stores = [open_state(postgres_database), open_state(postgres_database)]
    replicas = [Assistant(settings, ScriptedSearcher(hund_chunks), directory, store,
                          today=lambda: FIXED_DAY) for store in stores]
    for replica in replicas:  # one minute window for the whole flood (no boundary inside)
        replica._throttle._wall_clock = lambda: 60.0 * 29_000_000
    flooder = UserRef("aad-flood")

    async def scenario() -> list[str]:
        kinds = []
        for number in range(25):
            replies = await replicas[number % 2].handle(Turn("hilfe", flooder, "c1"))
            kinds.append(replies[0].data["kind"])
        return kinds

    try:
        kinds = asyncio.run(scenario())
    finally:
        for store in stores:
            store.close()
    assert kinds.count("help") == settings.rate_limit_per_minute == 20
    assert kinds[20:] == ["rate_limited"] * 5


def test_a_failing_shared_counter_falls_back_to_the_local_limit() -> None:
    class Broken:
        def count_message(self, sender: str, minute: int) -> int:
            raise OSError("database away")

    throttle = SenderThrottle(per_minute=2, max_pending=5, clock=Clock(), shared=Broken())

    async def three() -> list[bool]:
        results = [await throttle.admit_turn("a") for _ in range(3)]
        for admitted in results:
            if admitted:
                throttle.done("a")
        return results

    assert asyncio.run(three()) == [True, True, False]
    assert throttle._pending == {}


def test_the_shared_counter_refuses_and_frees_the_pending_slot() -> None:
    class Counts:
        def __init__(self) -> None:
            self.seen: list[tuple[str, int]] = []

        def count_message(self, sender: str, minute: int) -> int:
            self.seen.append((sender, minute))
            return 4  # other replicas used the budget already

    counts = Counts()
    throttle = SenderThrottle(per_minute=3, max_pending=5, clock=Clock(), shared=counts,
                              wall_clock=lambda: 600.5)
    assert not asyncio.run(throttle.admit_turn("a"))
    assert counts.seen == [("a", 10)] and throttle._pending == {}
