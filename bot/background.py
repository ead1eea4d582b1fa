"""What the single-town app (``bot.app``) and the many-towns app (``bot.towns_app``) set up
alike: the loop's I/O executor, and the periodic work of one served knowledge base (one
town), started with the app and cancelled at shutdown, so that every town gets the same."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.settings import Settings

IO_THREADS = 32


def use_io_executor() -> None:
    """The running loop's default executor, big enough for the app: the SDK sends replies with
    blocking ``requests`` calls in it, which the assistant's searches and state work share;
    Python's default (cores + 4: six on two cores) is too few for 20 chats."""
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(max_workers=IO_THREADS, thread_name_prefix="bot-io"))


def start_background_tasks(assistant: Any, settings: Settings) -> list[asyncio.Task[None]]:
    """Purge (retention), index watch (a version built elsewhere), routed questions sweep,
    stand-ins' briefings and the automatic reindex, for what ``assistant`` offers (the served
    one: its attributes reach the bare assistant through the metering wrapper)."""
    from bot.state.locks import replica_lock
    from bot.state.retention import purge_nightly

    tasks = [asyncio.create_task(purge_nightly(
        settings, settings.retention_days, settings.timezone, _clock(assistant, settings)))]
    follow = getattr(assistant, "follow_index", None)
    if callable(follow) and settings.index_watch_seconds > 0:  # replicas switch by themselves
        from bot.assistant.index_watch import watch_index

        tasks.append(asyncio.create_task(watch_index(follow, settings.index_watch_seconds)))
    routing = getattr(assistant, "routing", None)
    if routing is not None:  # routed questions: delivery, moving on, reminders
        from bot.capture.routing_sweep import sweep_periodically

        lock = replica_lock(settings, f"routing-sweep:{settings.kb_dir.resolve()}")
        tasks.append(asyncio.create_task(sweep_periodically(routing, lock=lock)))
    briefing = getattr(assistant, "briefing", None)
    if briefing is not None:  # the stand-ins' briefings, on the morning an absence starts
        from bot.capture.briefing_desk import brief_periodically

        tasks.append(asyncio.create_task(brief_periodically(briefing)))
    if settings.auto_reindex != "off":
        from bot.operations.auto_reindex import run_auto_reindex

        tasks.append(asyncio.create_task(run_auto_reindex(assistant, settings)))
    return tasks


def _clock(assistant: Any, settings: Settings) -> Callable[[], datetime]:
    """Now on the assistant's day (its ``today`` can be set, as in tests and demos): the purge
    counts its retention from the same day as absences and briefings."""
    zone = ZoneInfo(settings.timezone)

    def now() -> datetime:
        moment = datetime.now(zone)
        today = getattr(assistant, "today", None)  # read each time: a test may move the day
        day = today() if callable(today) else moment.date()
        return datetime.combine(day, moment.timetz())

    return now
