"""Per-sender limits: how many messages a minute, and how many at once.

One sender must not fill the state DB (every question is stored) or the answer queue for
everybody else. A token bucket per sender (``per_minute`` tokens, refilled continuously) and
a count of the sender's turns in progress; both tables are bounded, so a flood of new sender
ids costs at most ``capacity`` entries (the least recently seen are forgotten: a forgotten
sender starts with a full bucket again, which only ever errs on the polite side).

Several replicas (PostgreSQL state) share a sender's per-minute budget through the store's
message counters (``count_message``: a fixed window per sender and minute, one upsert). The
in-memory bucket still comes first: a flood is refused on the spot without a database round
trip, and the embedded SQLite setup (one process, by design) needs nothing more, so it keeps
the bucket alone and writes nothing per message. The pending limit stays per process: it
protects this process's queue. When the shared counter fails or is slow the turn is admitted
on the local limits alone (logged): an unreachable database must not silence the bot.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Protocol

from cachetools import LRUCache

log = logging.getLogger(__name__)

SHARED_TIMEOUT_SECONDS = 2.0


class MessageCounter(Protocol):
    """The store's shared counters (``bot.state.records.SqlState.count_message``)."""

    def count_message(self, sender: str, minute: int) -> int: ...


class SenderThrottle:
    def __init__(self, per_minute: int, max_pending: int, capacity: int = 10_000,
                 clock: Callable[[], float] = time.monotonic,
                 shared: MessageCounter | None = None,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self._per_minute = per_minute
        self._rate = per_minute / 60.0
        self._burst = float(per_minute)
        self._max_pending = max_pending
        self._clock = clock
        self._shared = shared
        self._wall_clock = wall_clock  # the minute windows are the same on every replica
        # sender -> (tokens, when); the least recently seen sender is forgotten first
        self._buckets: LRUCache[str, tuple[float, float]] = LRUCache(maxsize=capacity)
        self._pending: dict[str, int] = {}

    async def admit_turn(self, sender: str) -> bool:
        """``admit`` and, with a shared counter, the sender's budget across all replicas
        (counted off the event loop). Every True must be followed by ``done(sender)``."""
        if not self.admit(sender):
            return False
        if self._shared is None or await self._within_shared_budget(sender):
            return True
        self.done(sender)
        return False

    def admit(self, sender: str) -> bool:
        """Take one token and one pending slot of ``sender``; False when either is used up.
        Every True must be followed by ``done(sender)``."""
        if self._pending.get(sender, 0) >= self._max_pending:
            return False
        now = self._clock()
        tokens, then = self._buckets.pop(sender, (self._burst, now))
        tokens = min(self._burst, tokens + (now - then) * self._rate)
        if tokens < 1.0:
            self._buckets[sender] = (tokens, now)
            return False
        self._buckets[sender] = (tokens - 1.0, now)
        self._pending[sender] = self._pending.get(sender, 0) + 1
        return True

    def done(self, sender: str) -> None:
        left = self._pending.get(sender, 0) - 1
        if left > 0:
            self._pending[sender] = left
        else:
            self._pending.pop(sender, None)

    async def _within_shared_budget(self, sender: str) -> bool:
        assert self._shared is not None
        minute = int(self._wall_clock() // 60)
        try:
            count = await asyncio.wait_for(
                asyncio.to_thread(self._shared.count_message, sender, minute),
                SHARED_TIMEOUT_SECONDS)
        except Exception as error:  # the database is down or slow: local limits only
            log.warning("shared message counter unavailable (%s): local limits only",
                        type(error).__name__)
            return True
        return count <= self._per_minute
