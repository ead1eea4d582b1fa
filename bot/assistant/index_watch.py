"""Follow ``CURRENT`` without waiting for a question: every replica switches by itself.

Several bot processes (replicas) serve one index folder on shared storage; a build or a
rollback on any of them (or from the CLI) only swaps ``<index>/CURRENT``. Each process polls
that one small file every ``interval`` seconds in a worker thread (never on the event loop;
polling, not inotify, which does not see changes made by another machine on NFS or SMB) and,
when it names another version, opens it and reads the directory again. A question between
two polls switches the searcher too (``Searcher.refresh``); the watcher is what makes an idle
replica switch and what keeps its directory in step.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 2.0


async def watch_index(follow: Callable[[], bool], interval: float = DEFAULT_INTERVAL) -> None:
    """Call ``follow`` (blocking: it opens files) off the loop every ``interval`` seconds
    until cancelled; an error is logged once per kind and the watch goes on."""
    last_error = ""
    while True:
        await asyncio.sleep(interval)
        try:
            await asyncio.to_thread(follow)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a damaged version or a slow share must not end the watch
            kind = type(error).__name__
            if kind != last_error:
                log.exception("index watch failed (%s); trying again", kind)
            last_error = kind
        else:
            last_error = ""
