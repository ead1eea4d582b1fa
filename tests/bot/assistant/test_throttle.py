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
