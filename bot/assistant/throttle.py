"""Per-sender limits: how many messages a minute, and how many at once.

One sender must not fill the state DB (every question is stored) or the answer queue for
everybody else. A token bucket per sender (``per_minute`` tokens, refilled continuously) and
a count of the sender's turns in progress; both tables are bounded, so a flood of new sender
ids costs at most ``capacity`` entries (the least recently seen are forgotten: a forgotten
sender starts with a full bucket again, which only ever errs on the polite side).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from cachetools import LRUCache


class SenderThrottle:
    def __init__(self, per_minute: int, max_pending: int, capacity: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = per_minute / 60.0
        self._burst = float(per_minute)
        self._max_pending = max_pending
        self._clock = clock
        # sender -> (tokens, when); the least recently seen sender is forgotten first
        self._buckets: LRUCache[str, tuple[float, float]] = LRUCache(maxsize=capacity)
        self._pending: dict[str, int] = {}

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
