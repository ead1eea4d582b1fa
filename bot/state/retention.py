"""The nightly purge: drops personal data older than ``Settings.retention_days``.

Runs once at start-up (a bot that was down at night still purges) and then every night at
``PURGE_HOUR`` local time, as an asyncio task of the app; the database work runs in a thread.
A failed purge is logged and retried the next night: it must never stop the bot. With
several replicas on one PostgreSQL each purges: the purge is idempotent and its writes are
serialised by the store.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.state.factory import StateSource, open_state, state_exists

log = logging.getLogger(__name__)

PURGE_HOUR = 3  # quiet hour, before the office opens


def purge_state(source: StateSource, retention_days: int,
                now: datetime | None = None) -> dict[str, int]:
    """Purge the state of ``source`` (``bot.state.factory``); a missing SQLite file has nothing
    to purge (and is not created: a bot built with an injected assistant may have none)."""
    if not state_exists(source):
        return {}
    state = open_state(source)
    try:
        counts = state.purge(retention_days, now)
    finally:
        state.close()
    log.info("retention purge (%d days): %s", retention_days,
             ", ".join(f"{table} {count}" for table, count in counts.items()))
    return counts


def seconds_until_next(now: datetime, hour: int = PURGE_HOUR) -> float:
    """Seconds from ``now`` (aware) to the next ``hour``:00 in now's time zone."""
    target = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if target <= now:
        target = (target + timedelta(days=1)).replace(hour=hour)
    return max(1.0, (target.astimezone(UTC) - now.astimezone(UTC)).total_seconds())


async def purge_nightly(
    source: StateSource, retention_days: int, timezone: str,
    clock: Callable[[], datetime] | None = None,
) -> None:
    """Purge now, then every night; runs until cancelled. ``clock``: the app's "now" (aware),
    so that the purge and the rest of the app agree on the day; default the real one."""
    zone = ZoneInfo(timezone)
    now = clock or (lambda: datetime.now(zone))
    while True:
        try:
            await asyncio.to_thread(purge_state, source, retention_days, now())
        except Exception:  # a locked or damaged file: retry tomorrow, keep answering today
            log.exception("retention purge failed")
        await asyncio.sleep(seconds_until_next(now()))
