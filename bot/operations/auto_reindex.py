"""Automatic reindex (``WISSENSLOTSE_AUTO_REINDEX``): off, on file changes, or once a day.

``watch`` polls the files' sizes and modification times (in a worker thread, never on the
event loop; no inotify dependency, and it works on network shares) and asks for a build once
they have stopped changing for ``auto_reindex_quiet_seconds`` (debounce: a folder copied in
over a minute gives one build, not thirty). ``daily@HH:MM`` asks at that local time. Either
way the build is the chat's reindex (``Reindexer.request``: a child process, one at a time,
the index's build lock), so the bot keeps answering meanwhile.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.turns import Reply

log = logging.getLogger(__name__)

Request = Callable[[], None]


def tree_fingerprint(roots: Iterable[Path]) -> str:
    """A hash of every file's relative path, size and mtime below ``roots`` (hidden names
    skipped; symlinks not followed). Reads no file content."""
    digest = hashlib.sha256()
    for root in roots:
        digest.update(f"\0root:{root}\0".encode("utf-8", "surrogateescape"))
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(f for f in files if not f.startswith(".")):
                path = os.path.join(folder, name)
                try:
                    info = os.lstat(path)
                except OSError:  # removed while we walked: the next poll sees it
                    continue
                relative = os.path.relpath(path, root)
                digest.update(f"{relative}\0{info.st_size}\0{info.st_mtime_ns}\n"
                              .encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


async def watch_files(
    roots: list[Path], request: Request, poll_seconds: float, quiet_seconds: float,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Poll ``roots`` forever; ``request()`` once changes have been quiet long enough."""
    seen = await asyncio.to_thread(tree_fingerprint, roots)
    changed_at: float | None = None
    while True:
        await asyncio.sleep(poll_seconds)
        try:
            now = await asyncio.to_thread(tree_fingerprint, roots)
        except OSError as error:  # a share gone for a moment: try again at the next poll
            log.warning("auto reindex: cannot read the knowledge base (%s)",
                        type(error).__name__)
            continue
        if now != seen:
            seen, changed_at = now, clock()
            log.info("auto reindex: files changed; building once they are quiet for %.0f s",
                     quiet_seconds)
            continue
        if changed_at is not None and clock() - changed_at >= quiet_seconds:
            changed_at = None
            request()


def seconds_until(at: str, zone: ZoneInfo, now: datetime | None = None) -> float:
    """Seconds from ``now`` to the next ``HH:MM`` in ``zone`` (tomorrow if it has passed)."""
    hour, minute = (int(part) for part in at.split(":"))
    current = now.astimezone(zone) if now else datetime.now(zone)
    target = current.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if target <= current:
        target = (target + timedelta(days=1)).replace(hour=hour, minute=minute)
    # aware datetimes of one zone subtract as wall-clock times: compare in UTC (DST nights)
    return max(1.0, (target.astimezone(UTC) - current.astimezone(UTC)).total_seconds())


async def run_daily(at: str, zone: ZoneInfo, request: Request) -> None:
    while True:
        await asyncio.sleep(seconds_until(at, zone))
        log.info("auto reindex: daily build at %s", at)
        request()


def watched_roots(settings: Any) -> list[Path]:
    roots = [Path(settings.kb_dir)]
    release = getattr(settings, "release_dir", None)
    if release and Path(release) != Path(settings.kb_dir):
        roots.append(Path(release))
    directory = getattr(settings, "directory_dir", None)
    if directory and not any(Path(directory).is_relative_to(root) for root in roots):
        roots.append(Path(directory))
    return [root for root in roots if root.is_dir()]


def build_requester(assistant: Any) -> Request:
    """Ask the assistant's reindexer for a build; the outcome goes to the log (and metrics)."""

    async def report(replies: list[Reply]) -> None:
        outcome = next((r.data.get("reindex") for r in replies if r.data.get("reindex")
                        in ("done", "failed")), None)
        log.info("auto reindex finished: %s", outcome or "?")

    def request() -> None:
        assistant.reindexer.request(report)

    return request


async def run_auto_reindex(assistant: Any, settings: Any) -> None:
    """The task ``create_app`` starts when ``auto_reindex`` is not ``off``."""
    mode = str(settings.auto_reindex)
    request = build_requester(assistant)
    if mode == "watch":
        roots = watched_roots(settings)
        log.info("auto reindex: watching %d folder(s) every %.0f s", len(roots),
                 settings.auto_reindex_poll_seconds)
        await watch_files(roots, request, settings.auto_reindex_poll_seconds,
                          settings.auto_reindex_quiet_seconds)
    elif mode.startswith("daily@"):
        await run_daily(mode.removeprefix("daily@"), ZoneInfo(settings.timezone), request)
