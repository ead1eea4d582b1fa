"""The nightly purge: drops personal data older than ``Settings.retention_days``.

Runs once at start-up (a bot that was down at night still purges) and then every night at
``PURGE_HOUR`` local time, as an asyncio task of the app; the SQLite work runs in a thread.
A failed purge is logged and retried the next night: it must never stop the bot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.state.sqlite import State

log = logging.getLogger(__name__)

PURGE_HOUR = 3  # quiet hour, before the office opens


def purge_file(path: Path, retention_days: int, now: datetime | None = None) -> dict[str, int]:
    """Purge the state file at ``path``; a missing file has nothing to purge (and is not
    created: a bot built with an injected assistant may have no state file at all)."""
    if not path.exists():
        return {}
    counts = State(path).purge(retention_days, now)
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
    path: Path, retention_days: int, timezone: str,
    clock: Callable[[], datetime] | None = None,
) -> None:
    """Purge now, then every night; runs until cancelled."""
    zone = ZoneInfo(timezone)
    now = clock or (lambda: datetime.now(zone))
    while True:
        try:
            await asyncio.to_thread(purge_file, path, retention_days)
        except Exception:  # a locked or damaged file: retry tomorrow, keep answering today
            log.exception("retention purge failed")
        await asyncio.sleep(seconds_until_next(now()))
