"""The periodic pass over open routed questions (issue 12): deliver those whose holder had
no chat yet, move a question on when its holder is absent today (the task's chain again,
``Directory.who_handles``), and remind after ``routing_reminder_days`` working days.

Working days are Monday to Friday without the public holidays of ``settings.holidays``
(federal, the configured Land's, extra dates: ``bot.directory.holidays``). Every read and
write of the state database runs in a worker thread: the pass never holds the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime
from typing import Any

from bot.directory.holidays import working_days_between
from bot.state.routing import RoutedRow
from bot.texts import routing as texts

log = logging.getLogger(__name__)

__all__ = ["sweep", "sweep_once", "sweep_periodically", "working_days_between"]


async def sweep(desk: Any) -> dict[str, int]:
    """One pass; counts of questions delivered, moved on and reminded."""
    host = desk.host
    today = host.today()
    counts = {"delivered": 0, "moved": 0, "reminded": 0}
    for row in await asyncio.to_thread(host.state.routed_questions, "open"):
        await _one(desk, row, today, counts)
    log.info("routed questions swept: %s", counts)
    return counts


async def _one(desk: Any, row: RoutedRow, today: date, counts: dict[str, int]) -> None:
    host = desk.host
    moved = await asyncio.to_thread(_move_on, host, row, today)
    if moved is not None:
        holder = host.directory.person(row.assignee)
        title = (texts.MOVED_TITLE.format(name=holder.name) if holder is not None
                 else texts.MOVED_LEFT_TITLE)  # a leaver's name is no longer known
        counts["moved"] += 1
        current = await asyncio.to_thread(host.state.routed, row.id)
        if await desk.deliver(current, title):
            counts["delivered"] += 1
        return
    if not row.delivered:
        counts["delivered"] += await desk.deliver(row, texts.INCOMING_TITLE)
        return
    waited = working_days_between(_day(row.reminded_at or row.created_at), today,
                                  host.settings.holidays)
    if waited >= host.settings.routing_reminder_days:
        title = texts.REMINDER_TITLE.format(days=waited)
        counts["reminded"] += await desk.deliver(row, title, reminded=True)


def _move_on(host: Any, row: RoutedRow, today: date) -> str | None:
    """The new holder when today's holder is absent or left the directory, else None."""
    directory = host.directory
    holder = directory.person(row.assignee)
    if holder is not None and directory.absence_on(holder.id, today) is None:
        return None
    contact = None
    if row.task_id and directory.task(row.task_id) is not None:
        contact = directory.who_handles(row.task_id, today).contact
    elif row.department:
        record = directory.department(row.department)
        contact = directory.person(record.head) if record and record.head else None
    if contact is None or contact.id == row.assignee:
        return None
    if not host.state.reassign_routed(row.id, contact.id, row.assignee):
        return None  # answered, or moved by another pass (the return after an absence)
    if holder is not None and hasattr(host.state, "remember_return"):  # away, not gone:
        host.state.remember_return(row.id, holder.id)  # back after the absence (briefing_desk)
    return contact.id


def _day(stamp: str) -> date:
    return datetime.fromisoformat(stamp).date()


SWEEP_SECONDS = 30 * 60  # reminders count working days; half an hour is prompt enough


async def sweep_periodically(desk: Any, seconds: float = SWEEP_SECONDS,
                             lock: Any = None) -> None:
    """The app's task: a pass at start-up (questions left open before a restart), then
    every ``seconds``; a failing pass is logged and the next one runs. ``lock``
    (``bot.state.locks``) keeps replicas from sweeping at the same moment (each would send
    the same reminder): a pass whose lock another replica holds is left to that replica."""
    while True:
        try:
            await sweep_once(desk, lock)
        except Exception:
            log.exception("routed questions sweep failed")
        await asyncio.sleep(seconds)


async def sweep_once(desk: Any, lock: Any = None) -> dict[str, int] | None:
    """One pass under ``lock``; None when another replica is sweeping right now."""
    if lock is not None and not await asyncio.to_thread(lock.acquire):
        log.info("routed questions: another replica is sweeping")
        return None
    try:
        return await sweep(desk)
    finally:
        if lock is not None:
            await asyncio.to_thread(lock.release)
