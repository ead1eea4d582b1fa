"""The periodic pass over open routed questions (issue 12): deliver those whose holder had
no chat yet, move a question on when its holder is absent today (the task's chain again,
``Directory.who_handles``), and remind after ``routing_reminder_days`` working days.

Working days are Monday to Friday; public holidays are not known here (they count).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

from bot.state.routing import RoutedRow
from bot.texts import routing as texts

log = logging.getLogger(__name__)


def working_days_between(start: date, end: date) -> int:
    """Mondays to Fridays after ``start`` up to and including ``end``."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        days += day.weekday() < 5
    return days


async def sweep(desk: Any) -> dict[str, int]:
    """One pass; counts of questions delivered, moved on and reminded."""
    host = desk.host
    today = host.today()
    counts = {"delivered": 0, "moved": 0, "reminded": 0}
    for row in host.state.routed_questions("open"):
        moved = _move_on(host, row, today)
        if moved is not None:
            away = desk._name(row.assignee)
            row = host.state.routed(row.id)
            counts["moved"] += 1
            if await desk.deliver(row, texts.MOVED_TITLE.format(name=away)):
                counts["delivered"] += 1
            continue
        if not row.delivered:
            counts["delivered"] += await desk.deliver(row, texts.INCOMING_TITLE)
            continue
        waited = working_days_between(_day(row.reminded_at or row.created_at), today)
        if waited >= host.settings.routing_reminder_days:
            title = texts.REMINDER_TITLE.format(days=waited)
            counts["reminded"] += await desk.deliver(row, title, reminded=True)
    log.info("routed questions swept: %s", counts)
    return counts


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
    if not host.state.reassign_routed(row.id, contact.id):
        return None
    if holder is not None and hasattr(host.state, "remember_return"):  # away, not gone:
        host.state.remember_return(row.id, holder.id)  # back after the absence (briefing_desk)
    return contact.id


def _day(stamp: str) -> date:
    return datetime.fromisoformat(stamp).date()


SWEEP_SECONDS = 30 * 60  # reminders count working days; half an hour is prompt enough


async def sweep_periodically(desk: Any, seconds: float = SWEEP_SECONDS) -> None:
    """The app's task: a pass at start-up (questions left open before a restart), then
    every ``seconds``; a failing pass is logged and the next one runs."""
    import asyncio

    while True:
        try:
            await sweep(desk)
        except Exception:
            log.exception("routed questions sweep failed")
        await asyncio.sleep(seconds)
